// A small, strict option parser for the CLI commands: known `--name VALUE` options (or
// `--name=VALUE`), positional words, and one-line errors for anything else.

export type OptionsResult<K extends string> =
  | { ok: true; options: Partial<Record<K, string>>; positional: string[] }
  | { ok: false; error: string };

export function parseOptions<K extends string>(
  argv: readonly string[],
  names: readonly K[],
  usage: string,
): OptionsResult<K> {
  const options: Partial<Record<K, string>> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq === -1 ? arg.slice(2) : arg.slice(2, eq)) as K;
    if (!names.includes(name))
      return { ok: false, error: `unknown option "--${name}"; usage: ${usage}` };
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '')
      return { ok: false, error: `--${name} needs a value; usage: ${usage}` };
    if (options[name] !== undefined)
      return { ok: false, error: `--${name} given twice; give it once` };
    options[name] = value;
  }
  return { ok: true, options, positional };
}
