// The one argument parser of the `corral` commands: each command declares its arguments as a table
// (positionals, `--name VALUE` options with a typed parser, `--flag` switches), and this file
// parses argv against it, writes `--help` from it, and turns every mistake into one line that
// names the option and the fix. Pure: no process, no file system.
import { closest } from '../policy/errors.ts';

/** A value that does not parse: the sentence after "--name VALUE: " (what is wrong, what to give). */
export class ArgError extends Error {}

/** A `--name VALUE` option; `parse` turns the text into the typed value or throws ArgError. */
export interface ValueOption<T = string> {
  metavar: string;
  help: string;
  parse?: (raw: string) => T;
  /** The command cannot run without it. */
  required?: boolean;
}

/** A `--name` switch: true when given. */
export interface FlagOption {
  help: string;
}

export type OptionSpec = ValueOption<unknown> | FlagOption;

export interface PositionalSpec {
  /** The name in the usage line ("DIR", "ID"); lower-cased, the key of the parsed value. */
  name: string;
  /** The key of the parsed value when the name is not a word ("DIR|ID"). */
  key?: string;
  help: string;
  optional?: boolean;
  /** Takes every remaining word (at least one unless optional). */
  variadic?: boolean;
}

export interface CommandSpec {
  /** As typed: "lint", "trust add". */
  name: string;
  /** One line for `corral --help`. */
  summary: string;
  positionals: readonly PositionalSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  /**
   * A command line to run (corral exec): options stop at `--` or at the first word that is not
   * an option, and every word from there on is passed through untouched.
   */
  trailing?: { name: string; help: string };
  /** Exit status of a usage error; 2 unless the command's contract says otherwise. */
  usageExit?: number;
  /** Paragraphs for `--help` after the options: exit status, notes, examples. */
  details?: readonly string[];
}

type OptionValue<S> = S extends { metavar: string }
  ? (S extends { parse: (raw: string) => infer T } ? T : string) | RequiredOrUndefined<S>
  : boolean;
type RequiredOrUndefined<S> = S extends { required: true } ? never : undefined;

type PositionalValue<P> = P extends { variadic: true }
  ? string[]
  : P extends { optional: true }
    ? string | undefined
    : string;

/** The parsed arguments of a command, typed from its spec. */
export interface ParsedArgs<C extends CommandSpec> {
  options: { -readonly [K in keyof C['options']]: OptionValue<C['options'][K]> };
  positionals: {
    [
      P in C['positionals'][number] as P extends { key: string } ? P['key'] : Lowercase<P['name']>
    ]: PositionalValue<P>;
  };
  /** The command line after the options (specs with `trailing`), else empty. */
  trailing: string[];
}

export type ParseOutcome<C extends CommandSpec> =
  { kind: 'args'; args: ParsedArgs<C> } | { kind: 'help' } | { kind: 'error'; message: string };

/** Declares a command's spec, keeping its literal types for ParsedArgs. */
export function defineCommand<const C extends CommandSpec>(spec: C): C {
  return spec;
}

function isValueOption(o: OptionSpec): o is ValueOption<unknown> {
  return 'metavar' in o;
}

/** Parses `argv` (the words after the command's name) against `spec`. */
export function parseArgs<C extends CommandSpec>(
  spec: C,
  argv: readonly string[],
): ParseOutcome<C> {
  const options: Record<string, unknown> = {};
  const words: string[] = [];
  let trailing: string[] = [];
  const names = Object.keys(spec.options);
  for (const name of names) options[name] = isValueOption(spec.options[name]!) ? undefined : false;
  const seen = new Set<string>();
  // The first mistake is reported, but only once every word was read: --help anywhere wins.
  let problem: string | null = null;
  const note = (message: string) => void (problem ??= message);
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--') {
      if (spec.trailing) trailing = argv.slice(i + 1);
      else words.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (spec.trailing) {
        trailing = argv.slice(i);
        break;
      }
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? (eq === -1 ? arg.slice(2) : arg.slice(2, eq)) : '';
    const option = Object.hasOwn(spec.options, name) ? spec.options[name] : undefined;
    if (!option) {
      const shown = eq === -1 ? arg : arg.slice(0, eq);
      const near = closest(name || shown.replace(/^-+/, ''), names);
      note(
        near
          ? `unknown option "${shown}"; fix: did you mean "--${near}"?`
          : `unknown option "${shown}"; fix: run "corral ${spec.name} --help" for its options`,
      );
      continue;
    }
    if (seen.has(name)) note(`--${name} given twice; fix: give it once`);
    seen.add(name);
    if (!isValueOption(option)) {
      if (eq !== -1) note(`--${name} takes no value; fix: write just --${name}`);
      options[name] = true;
      continue;
    }
    const raw = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (raw === undefined || raw === '') {
      note(`--${name} needs a value; fix: --${name} ${option.metavar}`);
      continue;
    }
    try {
      options[name] = option.parse ? option.parse(raw) : raw;
    } catch (e) {
      if (!(e instanceof ArgError)) throw e;
      note(`--${name} ${raw}: ${e.message}`);
    }
  }
  if (help) return { kind: 'help' };
  if (problem !== null) return error(problem);
  for (const name of names) {
    const o = spec.options[name]!;
    if (isValueOption(o) && o.required && !seen.has(name))
      return error(`--${name} ${o.metavar} is required; usage: ${usage(spec)}`);
  }
  const positionals: Record<string, string | string[] | undefined> = {};
  let at = 0;
  for (const p of spec.positionals) {
    const key = p.key ?? p.name.toLowerCase();
    if (p.variadic) {
      positionals[key] = words.slice(at);
      if (!p.optional && words.length <= at) return missing(spec, p);
      at = words.length;
    } else if (at < words.length) {
      positionals[key] = words[at++];
    } else if (!p.optional) return missing(spec, p);
  }
  if (at < words.length) return error(`unexpected "${words[at]}"; usage: ${usage(spec)}`);
  if (spec.trailing && trailing.length === 0)
    return error(`no ${spec.trailing.name} given; usage: ${usage(spec)}`);
  return {
    kind: 'args',
    args: { options, positionals, trailing } as unknown as ParsedArgs<C>,
  };
}

function missing(spec: CommandSpec, p: PositionalSpec): { kind: 'error'; message: string } {
  return error(`give ${p.variadic ? 'a' : 'the'} ${p.name}; usage: ${usage(spec)}`);
}

function error(message: string): { kind: 'error'; message: string } {
  return { kind: 'error', message };
}

/** The one-line synopsis: `corral run DIR|ID [--workspace DIR] …`. */
export function usage(spec: CommandSpec): string {
  const parts = [`corral ${spec.name}`];
  for (const p of spec.positionals) {
    const word = p.variadic ? `${p.name}...` : p.name;
    parts.push(p.optional ? `[${word}]` : word);
  }
  for (const [name, o] of Object.entries(spec.options))
    parts.push(
      !isValueOption(o)
        ? `[--${name}]`
        : o.required
          ? `--${name} ${o.metavar}`
          : `[--${name} ${o.metavar}]`,
    );
  if (spec.trailing) parts.push(`[--] ${spec.trailing.name}`);
  return parts.join(' ');
}

/** `corral NAME --help`: the synopsis, the summary, every argument and option, then the details. */
export function helpText(spec: CommandSpec): string {
  const rows: [string, string][] = [];
  for (const p of spec.positionals) rows.push([p.variadic ? `${p.name}...` : p.name, p.help]);
  if (spec.trailing) rows.push([spec.trailing.name, spec.trailing.help]);
  const optionRows: [string, string][] = Object.entries(spec.options).map(([name, o]) => [
    isValueOption(o) ? `--${name} ${o.metavar}` : `--${name}`,
    o.help,
  ]);
  optionRows.push(['-h, --help', 'show this help']);
  const width = Math.max(...[...rows, ...optionRows].map(([left]) => left.length));
  const table = (list: [string, string][]) =>
    list.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
  const out = [`usage: ${usage(spec)}`, '', `${capitalise(spec.summary)}.`];
  if (rows.length) out.push('', 'arguments:', table(rows));
  out.push('', 'options:', table(optionRows));
  for (const d of spec.details ?? []) out.push('', d);
  return out.join('\n') + '\n';
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---- value parsers shared by the commands -----------------------------------------------------

/** One of `choices`, as typed. */
export function oneOf<const T extends string>(choices: readonly T[]): (raw: string) => T {
  return (raw) => {
    if ((choices as readonly string[]).includes(raw)) return raw as T;
    throw new ArgError(
      choices.length > 2 ? `use one of ${choices.join(', ')}` : `use ${choices.join(' or ')}`,
    );
  };
}

/** A whole number from `min` up. */
export function wholeNumber(min: number, what: string): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min)
      throw new ArgError(`give a whole number of ${what}, ${min} or more`);
    return n;
  };
}

/** A JSON array, e.g. '["notes.md"]'. */
export function jsonArray(raw: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value)) throw new ArgError(`give a JSON array, e.g. '["notes.md"]'`);
  return value;
}
