// The person's terminal, kept theirs (issue 12): when `corral exec` or `corral run` runs on a
// terminal, the sandboxed program never gets that terminal's descriptors. With stdin and stdout
// both terminals it runs on a pseudo-terminal Corral owns (pty.ts), relayed both ways: the
// person's keys in (raw mode), the program's output out through the terminal filter. A
// descriptor that is a terminal alone (stdout or stderr, the other redirected) becomes a pipe
// whose bytes go through the same filter. Elsewhere descriptors are inherited as they are, and the
// helper refuses terminal ioctls on them (the plan's `terminal: 'caller'`).
import type { Readable } from 'node:stream';
import type { StdioOptions } from 'node:child_process';
import { openPty, type OwnedPty } from './pty.ts';
import { TerminalSanitizer } from './sanitize.ts';

/** The caller's terminal as a command sees it (app/cli/io.ts's CallerTerminal). */
export interface TerminalSide {
  isTerminal: readonly [boolean, boolean, boolean];
  size(): { cols: number; rows: number };
  setRawMode(raw: boolean): void;
  onResize(listener: () => void): () => void;
}

export interface RelayOptions {
  terminal: TerminalSide | undefined;
  /** The person's keys (raw bytes once raw mode is on). */
  stdin: NodeJS.ReadableStream;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Ctrl-C and Ctrl-\ typed on the relayed terminal: the signal for the sandbox. */
  onInterrupt: (signal: NodeJS.Signals) => void;
}

/** How the sandbox's descriptors 0–2 are wired, and what the plan says about them. */
export interface CallerRelay {
  stdio: StdioOptions & unknown[];
  /** 'pty' when the program's terminal is Corral's own; 'caller' otherwise. */
  terminal: 'pty' | 'caller';
  /** Call with the started helper: closes Corral's copy of the slave, wires the pipes. */
  started(child: { stdio: (Readable | null | unknown)[] }): void;
  /** Waits for the last output (bounded), restores the person's terminal. Call once, at the end. */
  finish(): Promise<void>;
}

// Ctrl-C and Ctrl-\: with no controlling terminal inside the sandbox (the helper starts a new
// session), the line discipline cannot signal the program, so the relay does what it would.
const INTERRUPTS: Record<number, NodeJS.Signals> = { 0x03: 'SIGINT', 0x1c: 'SIGQUIT' };

/** How long the relay waits for the program's last output after it ended. */
const DRAIN_MS = 500;

/** Chooses and sets up the relay for the caller's descriptors. */
export function relayCallerTerminal(o: RelayOptions): CallerRelay {
  const t = o.terminal;
  if (t && t.isTerminal[0] && t.isTerminal[1]) return ptyRelay(o, t);
  const filtered = [1, 2].filter((fd) => t?.isTerminal[fd as 1 | 2]);
  const stdio: unknown[] = ['inherit', 'inherit', 'inherit'];
  for (const fd of filtered) stdio[fd] = 'pipe';
  const drained: Promise<void>[] = [];
  return {
    stdio: stdio as StdioOptions & unknown[],
    terminal: 'caller',
    started(child) {
      for (const fd of filtered) {
        const stream = child.stdio[fd] as Readable | null;
        if (!stream) continue;
        const write = fd === 1 ? o.stdout : o.stderr;
        const sanitizer = new TerminalSanitizer();
        stream.on('data', (chunk: Buffer) => write(sanitizer.push(chunk)));
        drained.push(
          new Promise((resolve) =>
            stream.on('close', () => {
              write(sanitizer.end());
              resolve();
            }),
          ),
        );
      }
    },
    async finish() {
      await Promise.all(drained);
    },
  };
}

function ptyRelay(o: RelayOptions, t: TerminalSide): CallerRelay {
  const pty: OwnedPty = openPty(t.size());
  const offOutput = pty.onOutput(o.stdout);
  const offResize = t.onResize(() => {
    const { cols, rows } = t.size();
    pty.resize(cols, rows);
  });
  const onKeys = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let from = 0;
    for (let i = 0; i < bytes.length; i++) {
      const signal = INTERRUPTS[bytes[i]!];
      if (!signal) continue;
      if (i > from) pty.write(bytes.subarray(from, i));
      o.onInterrupt(signal);
      from = i + 1;
    }
    if (from < bytes.length) pty.write(bytes.subarray(from));
  };
  // stderr stays the person's terminal only when it is one; redirected, it keeps its file.
  const stdio = [pty.slave, pty.slave, t.isTerminal[2] ? pty.slave : 'inherit'];
  let finished = false;
  return {
    stdio: stdio as StdioOptions & unknown[],
    terminal: 'pty',
    started() {
      pty.closeSlave();
      t.setRawMode(true);
      o.stdin.on('data', onKeys);
      o.stdin.resume();
    },
    async finish() {
      if (finished) return;
      finished = true;
      pty.closeSlave();
      await Promise.race([pty.ended, new Promise((r) => setTimeout(r, DRAIN_MS).unref())]);
      o.stdin.off('data', onKeys);
      o.stdin.pause();
      t.setRawMode(false);
      offResize();
      offOutput();
      pty.close();
    },
  };
}
