// The `corral` command line: picks the subcommand and turns any failure into one clear line.
import type { CliIO } from './io.ts';
import { createServices, type Services } from '../service/services.ts';

/** A command: its arguments, the process it may touch, and the parts it may use (built lazily). */
type Command = (args: string[], io: CliIO, services: Services) => Promise<number>;

/** Subcommands, loaded on demand so that `corral exec` does not pay for the linter's start-up. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  exec: {
    summary:
      'exec [--policy FILE] [--workspace DIR] [--audit FILE] -- CMD [ARGS...]   run a command in the sandbox',
    load: async () => (await import('./exec.ts')).execCommand,
  },
  run: {
    summary:
      'run DIR|ID [--workspace DIR] [--command ID] [--args JSON] [--audit FILE]   run an unpacked or installed extension',
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
  install: {
    summary: 'install PKG [--yes]   install or update an extension (a folder, .tgz or .zip)',
    load: async () => (await import('./install.ts')).installCommand,
  },
  approve: {
    summary: 'approve ID [--yes | --reject]   review an update that waits for consent',
    load: async () => (await import('./install.ts')).approveCommand,
  },
  list: {
    summary: 'list [--json]   installed extensions, their state, signature and grants',
    load: async () => (await import('./list.ts')).listCommand,
  },
  uninstall: {
    summary: 'uninstall ID [--keep-data]   remove an extension (and its data)',
    load: async () => (await import('./uninstall.ts')).uninstallCommand,
  },
  enable: {
    summary: 'enable ID [--lift-quarantine]   let an installed extension run',
    load: async () => (await import('./enable.ts')).enableCommand,
  },
  disable: {
    summary: 'disable ID   stop an installed extension from running',
    load: async () => (await import('./enable.ts')).disableCommand,
  },
  revoke: {
    summary: "revoke ID RULE [--undo]   take one grant away, e.g. revoke ID 'read ${downloads}'",
    load: async () => (await import('./revoke.ts')).revokeCommand,
  },
  quarantine: {
    summary: 'quarantine ID [--reason TEXT]   stop, disable and flag an extension; keep its files',
    load: async () => (await import('./quarantine.ts')).quarantineCommand,
  },
  rollback: {
    summary: 'rollback ID   return to the version before the last update',
    load: async () => (await import('./rollback.ts')).rollbackCommand,
  },
  trust: {
    summary:
      'trust add KEYFILE --publisher NAME | list | remove KEYID | require on|off   publisher keys',
    load: async () => (await import('./trust.ts')).trustCommand,
  },
  serve: {
    summary:
      'serve [--port N] [--no-open] [--workspace DIR]   the window in a browser tab, on 127.0.0.1',
    load: async () => (await import('./serve.ts')).serveCommand,
  },
  sign: {
    summary: 'sign DIR --key KEYFILE   write DIR/corral.sig (for publishers)',
    load: async () => (await import('./trust.ts')).signCommand,
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
  // One services root per invocation: each part is opened on first use and closed here, once.
  const services = createServices({ env: io.env });
  try {
    return await (
      await command.load()
    )(rest, io, services);
  } finally {
    for (const error of services.close()) io.stderr(`corral ${name}: ${error}\n`);
  }
}
