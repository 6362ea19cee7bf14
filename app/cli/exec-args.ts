// Parses `corral exec` arguments (contracts section 3). Pure, so every edge is unit-tested.

export interface ExecArgs {
  policy: string | null;
  workspace: string | null;
  audit: string | null;
  command: string[];
}

const VALUE_OPTIONS = {
  '--policy': 'policy',
  '--workspace': 'workspace',
  '--audit': 'audit',
} as const;

export type ParseResult = { ok: true; value: ExecArgs } | { ok: false; error: string };

/** Options come first; `--` (or the first word that is not an option) starts the command. */
export function parseExecArgs(argv: string[]): ParseResult {
  const out: ExecArgs = { policy: null, workspace: null, audit: null, command: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-')) break;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const key = VALUE_OPTIONS[name as keyof typeof VALUE_OPTIONS];
    if (!key) {
      return {
        ok: false,
        error: `unknown option "${name}"; options are --policy FILE, --workspace DIR, --audit FILE, then -- CMD`,
      };
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') return { ok: false, error: `${name} needs a value` };
    if (out[key] !== null) return { ok: false, error: `${name} given twice; give it once` };
    out[key] = value;
  }
  out.command = argv.slice(i);
  if (out.command.length === 0) {
    return {
      ok: false,
      error: 'no command given; usage: corral exec [--policy FILE] -- CMD [ARGS...]',
    };
  }
  return { ok: true, value: out };
}
