// A pseudo-terminal Corral owns (node-pty's openpty): the sandboxed program gets the slave as its
// descriptors 0–2, so that programs that need a terminal (`tty`, `stty size`, colours, prompts)
// behave; Corral reads the master, passes it through the terminal filter (sanitize.ts) and shows
// the result, and writes the person's keys to it. The program can drive this terminal, never the
// person's own (the helper's `terminal pty`, docs/sandbox-wire-format.md).
import { closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import tty from 'node:tty';
import { TerminalSanitizer } from './sanitize.ts';

interface NativePty {
  open(cols: number, rows: number): { master: number; slave: number; pty: string };
  resize(fd: number, cols: number, rows: number): void;
}

let native: NativePty | undefined;

/** node-pty's native module (openpty and the window size), loaded on first use. */
function nativePty(): NativePty {
  if (native) return native;
  const require = createRequire(import.meta.url);
  const utils = require('node-pty/lib/utils.js') as {
    loadNativeModule(name: string): { module: NativePty };
  };
  native = utils.loadNativeModule('pty').module;
  return native;
}

/** The window size a terminal starts with when the caller gives none. */
export const DEFAULT_SIZE = { cols: 80, rows: 24 } as const;

export interface OwnedPty {
  /** The slave's descriptor: stdio 0–2 of the program (the caller closes its copy via closeSlave). */
  readonly slave: number;
  /** The slave's name (/dev/pts/N), for messages. */
  readonly name: string;
  /** Keys or text for the program, as if typed. */
  write(data: string | Uint8Array): void;
  resize(cols: number, rows: number): void;
  /** The program's output, filtered; called as it comes. */
  onOutput(listener: (text: string) => void): () => void;
  /** How many control sequences the filter dropped so far. */
  readonly dropped: number;
  /** Closes Corral's copy of the slave: once the program's copies close too, the master ends. */
  closeSlave(): void;
  /** Resolves when the master has nothing more to read (every slave closed). */
  readonly ended: Promise<void>;
  /** Closes everything. */
  close(): void;
}

/** Opens a pseudo-terminal of `size`; its output reaches onOutput listeners filtered. */
export function openPty(size: { cols: number; rows: number } = DEFAULT_SIZE): OwnedPty {
  const pty = nativePty();
  const { master, slave, pty: name } = pty.open(clamp(size.cols), clamp(size.rows));
  const sanitizer = new TerminalSanitizer();
  const listeners = new Set<(text: string) => void>();
  const emit = (text: string) => {
    if (text) for (const l of listeners) l(text);
  };
  // A tty.ReadStream is a net.Socket on the descriptor: it reads and writes the master.
  const stream = new tty.ReadStream(master);
  let slaveOpen = true;
  let closed = false;
  const ended = new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer) => emit(sanitizer.push(chunk)));
    // EIO on the master is how Linux says every slave is closed: the end, not an error.
    stream.on('error', () => {});
    stream.on('close', () => {
      emit(sanitizer.end());
      resolve();
    });
  });
  return {
    slave,
    name,
    write(data) {
      if (!closed) stream.write(data);
    },
    resize(cols, rows) {
      if (!closed) pty.resize(master, clamp(cols), clamp(rows));
    },
    onOutput(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get dropped() {
      return sanitizer.droppedCount;
    },
    closeSlave() {
      if (!slaveOpen) return;
      slaveOpen = false;
      closeSync(slave);
    },
    ended,
    close() {
      if (closed) return;
      closed = true;
      this.closeSlave();
      stream.destroy();
    },
  };
}

function clamp(n: number): number {
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1000) : 80;
}
