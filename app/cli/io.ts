// What a CLI command may touch of the process: its output streams, working folder and environment.
// Passed in, so commands are plain functions that tests call directly.

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Resolves when the person asks the command to stop (Ctrl-C, SIGTERM, the terminal closing). */
  untilSignal: () => Promise<NodeJS.Signals>;
}
