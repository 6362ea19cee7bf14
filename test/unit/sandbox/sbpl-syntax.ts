// A reader and a checker for the SBPL that Corral writes: balanced parentheses, strings with
// escapes, `;` and `#| |#` comments, then only known forms, operations and filters, each filter
// on an operation it applies to, and every (param "X") given a value. No Mac is needed.

export type Sexp =
  | { kind: 'list'; items: Sexp[]; line: number }
  | { kind: 'symbol'; name: string; line: number }
  | { kind: 'string'; value: string; line: number }
  | { kind: 'regex'; value: string; line: number }
  | { kind: 'number'; value: number; line: number };

export class SbplSyntaxError extends Error {}

const STRING_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', t: '\t', r: '\r' };

/** Reads SBPL text into its top-level forms; throws SbplSyntaxError naming the line. */
export function readSbpl(text: string): Sexp[] {
  let at = 0;
  let line = 1;
  const stack: { items: Sexp[]; line: number }[] = [{ items: [], line: 1 }];
  const fail = (what: string): never => {
    throw new SbplSyntaxError(`line ${line}: ${what}`);
  };
  const push = (node: Sexp) => stack[stack.length - 1]!.items.push(node);

  while (at < text.length) {
    const c = text[at]!;
    if (c === '\n') {
      line++;
      at++;
    } else if (/\s/.test(c)) {
      at++;
    } else if (c === ';') {
      while (at < text.length && text[at] !== '\n') at++;
    } else if (text.startsWith('#|', at)) {
      const end = text.indexOf('|#', at + 2);
      if (end < 0) fail('unterminated #| comment');
      line += countNewlines(text.slice(at, end));
      at = end + 2;
    } else if (c === '(') {
      stack.push({ items: [], line });
      at++;
    } else if (c === ')') {
      if (stack.length === 1) fail('")" without a matching "("');
      const list = stack.pop()!;
      push({ kind: 'list', items: list.items, line: list.line });
      at++;
    } else if (c === '"' || text.startsWith('#"', at)) {
      const regex = c === '#';
      const start = line;
      let value = '';
      at += regex ? 2 : 1;
      for (;;) {
        if (at >= text.length) fail(`unterminated string opened on line ${start}`);
        const d = text[at]!;
        if (d === '"') break;
        if (d === '\n') line++;
        if (d === '\\') {
          const e = text[at + 1];
          if (e === undefined) fail(`unterminated string opened on line ${start}`);
          // In a #"regex" a backslash belongs to the regex; in a string it must be an escape.
          if (regex) value += d + e;
          else value += STRING_ESCAPES[e!] ?? fail(`unknown escape "\\${e}" in a string`);
          at += 2;
          continue;
        }
        value += d;
        at++;
      }
      at++;
      push(regex ? { kind: 'regex', value, line: start } : { kind: 'string', value, line: start });
    } else {
      const match = /^[^\s()";]+/.exec(text.slice(at))!;
      const token = match[0];
      if (token.startsWith('#') && token !== '#t' && token !== '#f') fail(`unknown token ${token}`);
      push(
        /^-?\d+$/.test(token)
          ? { kind: 'number', value: Number(token), line }
          : { kind: 'symbol', name: token, line },
      );
      at += token.length;
    }
  }
  if (stack.length > 1) fail(`"(" opened on line ${stack[stack.length - 1]!.line} is never closed`);
  return stack[0]!.items;
}

function countNewlines(s: string): number {
  return s.split('\n').length - 1;
}

/** What each operation may be filtered by; operations with no family take no filter. */
type Family = 'path' | 'network' | 'mach' | 'sysctl' | 'target' | 'none';

const OPERATIONS: Record<string, Family> = {
  default: 'none',
  'file*': 'path',
  'file-read*': 'path',
  'file-read-data': 'path',
  'file-read-metadata': 'path',
  'file-read-xattr': 'path',
  'file-write*': 'path',
  'file-write-data': 'path',
  'file-write-create': 'path',
  'file-write-unlink': 'path',
  'file-write-mode': 'path',
  'file-map-executable': 'path',
  'file-ioctl': 'path',
  'process-exec': 'path',
  'process-exec*': 'path',
  'process-fork': 'none',
  'process-info*': 'target',
  signal: 'target',
  'network*': 'network',
  'network-outbound': 'network',
  'network-inbound': 'network',
  'network-bind': 'network',
  'mach-lookup': 'mach',
  'sysctl-read': 'sysctl',
  'system-socket': 'none',
  'ipc-posix-shm*': 'none',
  'ipc-posix-sem': 'none',
};

const FILTER_FAMILY: Record<string, Family> = {
  literal: 'path',
  subpath: 'path',
  regex: 'path',
  'path-ancestors': 'path',
  remote: 'network',
  'global-name': 'mach',
  'sysctl-name': 'sysctl',
  'sysctl-name-prefix': 'sysctl',
  target: 'target',
};

const TARGETS = new Set(['self', 'same-sandbox', 'children', 'pgrp', 'others']);

export interface SbplRule {
  action: 'allow' | 'deny';
  operations: string[];
  filters: Sexp[];
  line: number;
}

export interface SbplCheck {
  /** Every allow and deny form, in order. */
  rules: SbplRule[];
  /** The files named by (import "…"). */
  imports: string[];
  /** Each problem as one line naming the line of the profile; empty when the profile is good. */
  errors: string[];
}

/**
 * Reads `text` and checks it against the SBPL vocabulary Corral uses and against `params`
 * (the -D values): every param referenced is given an absolute path, and every one given is used.
 */
export function checkSbpl(text: string, params: Record<string, string>): SbplCheck {
  const result: SbplCheck = { rules: [], imports: [], errors: [] };
  let forms: Sexp[];
  try {
    forms = readSbpl(text);
  } catch (e) {
    result.errors.push((e as Error).message);
    return result;
  }
  const used = new Set<string>();
  const error = (node: Sexp, what: string) => result.errors.push(`line ${node.line}: ${what}`);

  const first = forms[0];
  if (!first || show(first) !== '(version 1)') {
    result.errors.push('line 1: the profile must start with (version 1)');
  }
  forms.forEach((form, index) => {
    if (form.kind !== 'list' || form.items[0]?.kind !== 'symbol') {
      error(form, `top-level ${show(form)} is not a form`);
      return;
    }
    const head = form.items[0].name;
    const args = form.items.slice(1);
    if (head === 'version') {
      if (index !== 0) error(form, '(version …) must come first, once');
    } else if (head === 'import') {
      const file = args[0];
      if (args.length !== 1 || file?.kind !== 'string') error(form, 'import takes one string');
      else result.imports.push(file.value);
    } else if (head === 'allow' || head === 'deny') {
      checkRule(head, form, args);
    } else {
      error(form, `unknown top-level form "${head}"`);
    }
  });

  function checkRule(action: 'allow' | 'deny', form: Sexp, args: Sexp[]) {
    const operations: string[] = [];
    let i = 0;
    for (; i < args.length && args[i]!.kind === 'symbol'; i++) {
      const op = (args[i] as { name: string }).name;
      if (!(op in OPERATIONS)) error(args[i]!, `unknown operation "${op}"`);
      operations.push(op);
    }
    const filters = args.slice(i);
    if (operations.length === 0) error(form, `(${action} …) names no operation`);
    if (operations.includes('default') && (operations.length > 1 || filters.length > 0)) {
      error(form, '"default" stands alone, without filters');
    }
    for (const filter of filters) {
      for (const op of operations) checkFilter(filter, OPERATIONS[op] ?? 'none', op);
    }
    result.rules.push({ action, operations, filters, line: form.line });
  }

  function checkFilter(filter: Sexp, family: Family, op: string) {
    if (filter.kind !== 'list' || filter.items[0]?.kind !== 'symbol') {
      error(filter, `${show(filter)} is not a filter`);
      return;
    }
    const name = filter.items[0].name;
    const args = filter.items.slice(1);
    if (name === 'require-any' || name === 'require-all' || name === 'require-not') {
      if (args.length === 0 || (name === 'require-not' && args.length !== 1)) {
        error(filter, `(${name} …) has the wrong number of filters`);
      }
      for (const a of args) checkFilter(a, family, op);
      return;
    }
    const filterFamily = FILTER_FAMILY[name];
    if (!filterFamily) {
      error(filter, `unknown filter "${name}"`);
      return;
    }
    if (filterFamily !== family) error(filter, `filter "${name}" does not apply to ${op}`);
    const one = args.length === 1 ? args[0]! : null;
    switch (name) {
      case 'literal':
      case 'subpath':
        if (!one) error(filter, `(${name} …) takes one path`);
        else checkPath(one);
        break;
      case 'path-ancestors':
        if (args.length === 0) error(filter, '(path-ancestors …) takes at least one path');
        for (const a of args) checkPath(a);
        break;
      case 'regex':
        if (one?.kind !== 'regex' && one?.kind !== 'string') error(filter, 'regex takes one regex');
        break;
      case 'remote':
        checkRemote(filter, args);
        break;
      case 'target':
        if (one?.kind !== 'symbol' || !TARGETS.has(one.name)) error(filter, 'unknown target');
        break;
      default:
        if (one?.kind !== 'string' || one.value === '') error(filter, `${name} takes one name`);
    }
  }

  function checkPath(arg: Sexp) {
    if (arg.kind === 'string') {
      if (!arg.value.startsWith('/')) error(arg, `path "${arg.value}" is not absolute`);
      return;
    }
    const key = arg.kind === 'list' && arg.items.length === 2 ? arg.items[1] : undefined;
    if (arg.kind !== 'list' || show(arg.items[0]!) !== 'param' || key?.kind !== 'string') {
      error(arg, `${show(arg)} is neither a path string nor (param "NAME")`);
      return;
    }
    used.add(key.value);
    const value = params[key.value];
    if (value === undefined) error(arg, `param "${key.value}" has no value`);
    else if (!value.startsWith('/')) error(arg, `param "${key.value}" is not an absolute path`);
  }

  function checkRemote(filter: Sexp, args: Sexp[]) {
    const [protocol, address] = args;
    const parts =
      address?.kind === 'string' ? /^(\*|localhost):(\*|\d{1,5})$/.exec(address.value) : null;
    if (
      args.length !== 2 ||
      protocol?.kind !== 'symbol' ||
      !['ip', 'tcp', 'udp'].includes(protocol.name) ||
      !parts ||
      (parts[2] !== '*' && !(Number(parts[2]) >= 1 && Number(parts[2]) <= 65535))
    ) {
      error(filter, `${show(filter)}: remote takes ip|tcp|udp and "*|localhost:*|PORT"`);
    }
  }

  for (const key of Object.keys(params)) {
    if (!used.has(key)) result.errors.push(`param "${key}" is given but never used`);
  }
  return result;
}

/** A form back as compact text, for messages and for comparing small forms. */
export function show(node: Sexp): string {
  switch (node.kind) {
    case 'list':
      return `(${node.items.map(show).join(' ')})`;
    case 'symbol':
      return node.name;
    case 'string':
      return JSON.stringify(node.value);
    case 'regex':
      return `#"${node.value}"`;
    case 'number':
      return String(node.value);
  }
}

/** Every string literal in the forms (param names included), depth first. */
export function stringsIn(forms: readonly Sexp[]): string[] {
  return forms.flatMap((f) =>
    f.kind === 'list' ? stringsIn(f.items) : f.kind === 'string' ? [f.value] : [],
  );
}
