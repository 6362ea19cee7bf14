// The `corral` command line: picks the subcommand and turns any failure into one clear line. The
// arguments of every command are in specs.ts; each command parses them with args.ts.
import { closest } from '../policy/errors.ts';
import { createServiceRoot, type StateParts } from '../service/service-root.ts';
import { COMMAND_SPECS } from './specs.ts';
import type { CommandMain } from './command.ts';
import type { CliIO } from './io.ts';

/**
 * Subcommands, loaded on demand so that `corral exec` does not pay for the linter's start-up; the
 * ones marked `stateless` never open the audit store or the manager, so they start without loading
 * them either (most of `corral exec`'s start-up was spent there; docs/architecture.md).
 */
const COMMANDS: Record<string, { load: () => Promise<CommandMain>; stateless?: true }> = {
  exec: { load: async () => (await import('./exec.ts')).execCommand, stateless: true },
  run: { load: async () => (await import('./run.ts')).runCommand },
  dev: { load: async () => (await import('./dev.ts')).devCommand },
  doctor: { load: async () => (await import('./doctor.ts')).doctorCommand, stateless: true },
  log: { load: async () => (await import('./log.ts')).logCommand },
  lint: { load: async () => (await import('./lint.ts')).lintCommand, stateless: true },
  'policy compile': {
    load: async () => (await import('./policy-compile.ts')).policyCompileCommand,
    stateless: true,
  },
  install: { load: async () => (await import('./install.ts')).installCommand },
  approve: { load: async () => (await import('./install.ts')).approveCommand },
  list: { load: async () => (await import('./list.ts')).listCommand },
  uninstall: { load: async () => (await import('./uninstall.ts')).uninstallCommand },
  enable: { load: async () => (await import('./enable.ts')).enableCommand },
  disable: { load: async () => (await import('./enable.ts')).disableCommand },
  revoke: { load: async () => (await import('./revoke.ts')).revokeCommand },
  quarantine: { load: async () => (await import('./quarantine.ts')).quarantineCommand },
  rollback: { load: async () => (await import('./rollback.ts')).rollbackCommand },
  'trust add': { load: async () => (await import('./trust.ts')).trustAddCommand },
  'trust list': { load: async () => (await import('./trust.ts')).trustListCommand },
  'trust remove': { load: async () => (await import('./trust.ts')).trustRemoveCommand },
  'trust require': { load: async () => (await import('./trust.ts')).trustRequireCommand },
  serve: { load: async () => (await import('./serve.ts')).serveCommand },
  sign: { load: async () => (await import('./pack.ts')).signCommand, stateless: true },
  pack: { load: async () => (await import('./pack.ts')).packCommand, stateless: true },
  new: { load: async () => (await import('./new.ts')).newCommand, stateless: true },
  keygen: { load: async () => (await import('./keygen.ts')).keygenCommand, stateless: true },
};

/** Commands with verbs: `corral trust add`, `corral policy compile`. */
function verbsOf(group: string): string[] {
  return COMMAND_SPECS.filter((s) => s.name.startsWith(`${group} `)).map((s) =>
    s.name.slice(group.length + 1),
  );
}

function overview(group?: string): string {
  const specs = COMMAND_SPECS.filter((s) => !group || s.name.startsWith(`${group} `));
  const width = Math.max(...specs.map((s) => s.name.length));
  const lines = specs.map((s) => `  corral ${s.name.padEnd(width)}  ${s.summary}`);
  const more = group ? `corral ${group} VERB --help` : 'corral COMMAND --help';
  return `usage:\n${lines.join('\n')}\n\n"${more}" shows a command's arguments and options.\n`;
}

/** Runs `corral ARGV`; resolves with the exit status. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0) [name, ...rest] = [...rest, '--help'];
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(overview());
    return name ? 0 : 2;
  }
  const verbs = verbsOf(name);
  if (verbs.length > 0) {
    const [verb, ...args] = rest;
    if (verb === '--help' || verb === '-h') {
      io.stdout(overview(name));
      return 0;
    }
    if (!verb || !verbs.includes(verb)) {
      io.stderr(
        `corral ${name}: ${verb ? `unknown "${verb}"` : 'say what to do'}; fix: use one of ${verbs.map((v) => `"corral ${name} ${v}"`).join(', ')}\n`,
      );
      return 2;
    }
    return run(`${name} ${verb}`, args, io);
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    const near = closest(name, [...new Set(Object.keys(COMMANDS).map((c) => c.split(' ')[0]!))]);
    const fix = near ? `did you mean "corral ${near}"?` : 'run "corral --help" for the list';
    io.stderr(`corral: unknown command "${name}"; fix: ${fix}\n`);
    return 2;
  }
  return run(name, rest, io);
}

/** Runs one command with one services root: each part opened on first use and closed here, once. */
async function run(name: string, args: string[], io: CliIO): Promise<number> {
  const entry = COMMANDS[name]!;
  const state: StateParts | null = entry.stateless
    ? null
    : (await import('../service/state-parts.ts')).stateParts;
  const services = createServiceRoot({ env: io.env }, state);
  try {
    return await (
      await entry.load()
    )(args, io, services);
  } finally {
    for (const error of services.close()) io.stderr(`corral ${name}: ${error}\n`);
  }
}
