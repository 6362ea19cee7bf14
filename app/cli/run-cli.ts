// Runs main() with the real stdio and sets the exit status; shared by both entries.
import { untilStopSignal, type CliIO } from './io.ts';
import { main } from './main.ts';

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
