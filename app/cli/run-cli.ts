// Runs main() with the real stdio and sets the exit status; shared by both entries.
import { isatty } from 'node:tty';
import { untilStopSignal, type CallerTerminal, type CliIO } from './io.ts';
import { loopHolders } from './loop-holders.ts';
import { main } from './main.ts';

/** How long the process may outlive its command's end before it exits anyway. */
const EXIT_GRACE_MS = 2000;

/** Runs the command line `args` (without node and script) for this process. */
export function runCli(args: string[]): void {
  const onSignal: CliIO['onSignal'] = (signals, handler) => {
    for (const s of signals) process.on(s, handler);
    return () => {
      for (const s of signals) process.off(s, handler);
    };
  };
  const io: CliIO = {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    stdin: process.stdin,
    onSignal,
    cwd: process.cwd(),
    env: process.env,
    untilSignal: () => untilStopSignal(onSignal),
    terminal: callerTerminal(),
  };
  main(args, io).then(
    (code) => {
      process.exitCode = code;
      // The command has ended: anything still holding the event loop (a child a bug left behind)
      // must not keep Corral alive. Pending output gets a moment first; a sandbox still running
      // dies with us (its helper's parent-death signal). A loop that drains exits before this.
      setTimeout(() => {
        io.stderr('corral: something was still running after the command ended; stopping it\n');
        if (process.env.CORRAL_DEBUG)
          for (const holder of loopHolders()) io.stderr(`corral: still open: ${holder}\n`);
        process.exit(code);
      }, EXIT_GRACE_MS).unref();
    },
    (err: unknown) => {
      // A bug, not a user error: one line for the person, the detail for whoever debugs it.
      io.stderr(`corral: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      if (process.env.CORRAL_DEBUG) console.error(err);
      process.exitCode = 70;
    },
  );
}

/** This process's terminal, when any of descriptors 0–2 is one. */
function callerTerminal(): CallerTerminal | undefined {
  const isTerminal = [isatty(0), isatty(1), isatty(2)] as const;
  if (!isTerminal.includes(true)) return undefined;
  const sized = process.stdout.isTTY ? process.stdout : process.stderr;
  return {
    isTerminal,
    size: () => ({ cols: sized.columns || 80, rows: sized.rows || 24 }),
    setRawMode: (raw) => {
      if (process.stdin.isTTY) process.stdin.setRawMode(raw);
    },
    onResize: (listener) => {
      sized.on('resize', listener);
      return () => sized.off('resize', listener);
    },
  };
}
