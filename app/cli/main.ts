// The `corral` command line: picks the subcommand and turns any failure into one clear line.
import type { CliIO } from './io.ts';

type Command = (args: string[], io: CliIO) => Promise<number>;

/** Subcommands, loaded on demand so that `corral exec` does not pay for the linter's start-up. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  exec: {
    summary:
      'exec [--policy FILE] [--workspace DIR] [--audit FILE] -- CMD [ARGS...]   run a command in the sandbox',
    load: async () => (await import('./exec.ts')).execCommand,
  },
  run: {
    summary:
      'run DIR [--workspace DIR] [--command ID] [--args JSON] [--audit FILE]   run an unpacked extension',
    load: async () => (await import('./run.ts')).runCommand,
  },
  doctor: {
    summary:
      'doctor [--json]   which isolation layers this machine offers and which the sandbox uses',
    load: async () => (await import('./doctor.ts')).doctorCommand,
  },
  log: {
    summary:
      'log [--follow] [--ext ID] [--kind K] [--decision allow|deny] [--since T] [--until T] [--limit N] [--json|--csv] [--verify] [--file PATH]   read, follow, export or verify the audit log',
    load: async () => (await import('./log.ts')).logCommand,
  },
  lint: {
    summary: 'lint FILE [--json]   lint a manifest (corral.json) or a rules file',
    load: async () => (await import('./lint.ts')).lintCommand,
  },
  policy: {
    summary: 'policy compile RULES   print the manifest fragment compiled from a rules file',
    load: async () => (await import('./policy-compile.ts')).policyCompileCommand,
  },
};

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  corral ${c.summary}`);
  return `usage:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`corral: unknown command "${name}"; run "corral --help" for the list\n`);
    return 2;
  }
  if (name === 'policy') {
    if (rest[0] !== 'compile') {
      io.stderr('corral policy: expected "corral policy compile RULES"\n');
      return 2;
    }
    rest.shift();
  }
  return (await command.load())(rest, io);
}
