// Process entry of the `corral` binary: real stdio and exit status around main().
import type { CliIO } from './io.ts';
import { main } from './main.ts';

const io: CliIO = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  cwd: process.cwd(),
  env: process.env,
};

main(process.argv.slice(2), io).then(
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
