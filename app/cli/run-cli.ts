// Runs main() with the real stdio and sets the exit status; shared by both entries.
import type { CliIO } from './io.ts';
import { main } from './main.ts';

/** Runs the command line `args` (without node and script) for this process. */
export function runCli(args: string[]): void {
  const io: CliIO = {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    cwd: process.cwd(),
    env: process.env,
    untilSignal: () =>
      new Promise((resolve) => {
        const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
        const handlers = signals.map((signal) => {
          const handler = () => {
            for (const [s, h] of handlers) process.off(s, h);
            resolve(signal);
          };
          return [signal, handler] as const;
        });
        for (const [s, h] of handlers) process.once(s, h);
      }),
  };
  main(args, io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // A bug, not a user error: one line for the person, the detail for whoever debugs it.
      io.stderr(`corral: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      if (process.env.CORRAL_DEBUG) console.error(err);
      process.exitCode = 70;
    },
  );
}
