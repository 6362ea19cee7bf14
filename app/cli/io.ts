// What a CLI command may touch of the process: its output streams, its terminal input, the signals
// that stop it, its working folder and environment. Passed in, so commands are plain functions
// that tests call directly (issue 15: no process.stdin or process.once inside a command).

/** The terminal input: a TTY when a person can answer questions (prompts, y/N). */
export type CliInput = NodeJS.ReadableStream & { isTTY?: boolean };

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Where permission prompts and y/N questions are answered. */
  stdin: CliInput;
  /** Calls `handler` on each of `signals` until the returned function is called. */
  onSignal: (
    signals: readonly NodeJS.Signals[],
    handler: (signal: NodeJS.Signals) => void,
  ) => () => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Resolves when the person asks the command to stop (Ctrl-C, SIGTERM, the terminal closing). */
  untilSignal: () => Promise<NodeJS.Signals>;
  /** The person's terminal, when any of descriptors 0–2 is one (absent in tests and pipes). */
  terminal?: CallerTerminal;
}

/** What a command may do with the person's terminal: read its size, switch it to raw input. */
export interface CallerTerminal {
  /** Whether descriptors 0, 1 and 2 are terminals. */
  isTerminal: readonly [boolean, boolean, boolean];
  size(): { cols: number; rows: number };
  /** Raw input (every key as typed, no echo) while a program on Corral's own pty reads it. */
  setRawMode(raw: boolean): void;
  /** Calls `listener` when the window is resized, until the returned function is called. */
  onResize(listener: () => void): () => void;
}

/** The signals that ask a command to stop. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** io.untilSignal for an `onSignal`: the first stop signal, its handler removed at once. */
export function untilStopSignal(onSignal: CliIO['onSignal']): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const off = onSignal(STOP_SIGNALS, (signal) => {
      off();
      resolve(signal);
    });
  });
}
