// Human-readable rules (contracts §2): one rule per line, compiled to the manifest's
// `permissions`, `optionalPermissions` and `limits`, and printed back from them.
import { closest, lineOf, toPointer, type PolicyError } from './errors.ts';
import {
  issuesToErrors,
  policyFragmentSchema,
  type ManifestLimits,
  type NetGrant,
  type Permissions,
  type PolicyFragment,
} from './manifest.ts';

export type CompiledRules =
  | { ok: true; fragment: PolicyFragment; lines: Map<string, number> }
  | { ok: false; errors: PolicyError[] };

const KEYWORDS = ['read', 'write', 'connect', 'publish', 'subscribe', 'spawn', 'limit', 'optional'];
const OPTIONAL_KEYWORDS = ['read', 'write', 'connect', 'publish', 'subscribe', 'spawn'];

type LimitName = keyof ManifestLimits;

/** `limit NAME VALUE`: the name in rules, the manifest field, and how its value is written. */
const LIMITS: Record<
  string,
  {
    field: LimitName;
    parse: (v: string) => number | null;
    example: string;
    print: (n: number) => string;
  }
> = {
  memory: {
    field: 'memoryMB',
    parse: (v) => megabytes(v),
    example: '256MB',
    print: (n) => `${n}MB`,
  },
  cpu: {
    field: 'cpuPercent',
    parse: (v) => wholeNumber(v, '%'),
    example: '50%',
    print: (n) => `${n}%`,
  },
  pids: { field: 'pids', parse: (v) => wholeNumber(v, ''), example: '32', print: String },
  files: { field: 'openFiles', parse: (v) => wholeNumber(v, ''), example: '256', print: String },
  filesize: {
    field: 'fileSizeMB',
    parse: (v) => megabytes(v),
    example: '64MB',
    print: (n) => `${n}MB`,
  },
  timeout: {
    field: 'timeoutMs',
    parse: (v) => milliseconds(v),
    example: '30s',
    print: (n) => (n % 1000 === 0 ? `${n / 1000}s` : `${n}ms`),
  },
};

/** Parses a rules file into the manifest fragment it means, validated by the manifest's schemas. */
export function compileRules(text: string): CompiledRules {
  const errors: PolicyError[] = [];
  const lines = new Map<string, number>();
  const sections: Record<
    'permissions' | 'optionalPermissions',
    Required<Omit<Permissions, 'process'>> & { spawn: number | null }
  > = {
    permissions: { fs: [], net: [], ipc: [], spawn: null },
    optionalPermissions: { fs: [], net: [], ipc: [], spawn: null },
  };
  const limits: ManifestLimits = {};
  const limitLines = new Map<LimitName, number>();

  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const fail = (message: string, fix: string) => errors.push({ pointer: '', line, message, fix });
    const rule = stripComment(raw.replace(/\r$/, '')).trim();
    if (rule === '') return;
    let [keyword, rest] = splitWord(rule);
    let section: 'permissions' | 'optionalPermissions' = 'permissions';
    if (keyword === 'optional') {
      section = 'optionalPermissions';
      [keyword, rest] = splitWord(rest);
      if (!OPTIONAL_KEYWORDS.includes(keyword))
        return fail(
          keyword === 'limit'
            ? 'a limit cannot be optional'
            : `"optional ${keyword}" is not a rule`,
          `write "optional" before one of ${OPTIONAL_KEYWORDS.join(', ')}`,
        );
    }
    const target = sections[section];
    const at = (list: string, i: number) => lines.set(toPointer([section, list, i]), line);
    switch (keyword) {
      case 'read':
      case 'write':
        if (rest === '')
          return fail(`"${keyword}" needs a path`, `write e.g. "${keyword} \${workspace}"`);
        at('fs', target.fs.length);
        target.fs.push({ path: rest, access: keyword });
        return;
      case 'connect': {
        if (rest === '' || /\s/.test(rest))
          return fail(
            '"connect" needs one host',
            'write e.g. "connect api.example.com:443" (one host per line)',
          );
        const grant = parseConnectTarget(rest);
        if (typeof grant === 'string')
          return fail(
            grant,
            'write "connect HOST", "connect HOST:PORT" or "connect [IPv6]:PORT,PORT"',
          );
        at('net', target.net.length);
        target.net.push(grant);
        return;
      }
      case 'publish':
      case 'subscribe':
        if (rest === '' || /\s/.test(rest))
          return fail(
            `"${keyword}" needs one channel name`,
            `write e.g. "${keyword} myext.events"`,
          );
        at('ipc', target.ipc.length);
        target.ipc.push({ channel: rest, access: keyword });
        return;
      case 'spawn':
        if (rest !== '')
          return fail('"spawn" takes nothing after it', 'write "spawn" alone on its line');
        if (target.spawn !== null)
          return fail(`spawn is already granted on line ${target.spawn}`, 'remove this line');
        target.spawn = line;
        lines.set(`/${section}/process/spawn`, line);
        return;
      case 'limit': {
        const [name, value] = splitWord(rest);
        const spec = LIMITS[name];
        if (!spec) {
          const guess = closest(name, Object.keys(LIMITS));
          return fail(
            `unknown limit "${name}"`,
            guess
              ? `did you mean "limit ${guess}"?`
              : `use one of ${Object.keys(LIMITS).join(', ')}`,
          );
        }
        const n = spec.parse(value);
        if (n === null)
          return fail(
            `"${value}" is not a ${name} limit`,
            `write e.g. "limit ${name} ${spec.example}"`,
          );
        const previous = limitLines.get(spec.field);
        if (previous !== undefined)
          return fail(
            `limit ${name} is already set on line ${previous}`,
            'keep one of the two lines',
          );
        limitLines.set(spec.field, line);
        limits[spec.field] = n;
        lines.set(`/limits/${spec.field}`, line);
        return;
      }
      default: {
        const guess = closest(keyword, KEYWORDS);
        return fail(
          `unknown rule "${keyword}"`,
          guess ? `did you mean "${guess}"?` : `start the line with one of ${KEYWORDS.join(', ')}`,
        );
      }
    }
  });
  if (errors.length > 0) return { ok: false, errors };

  const fragment: Record<string, unknown> = {};
  for (const name of ['permissions', 'optionalPermissions'] as const) {
    const s = sections[name];
    const p: Permissions = {};
    if (s.fs.length) p.fs = s.fs;
    if (s.net.length) p.net = s.net;
    if (s.ipc.length) p.ipc = s.ipc;
    if (s.spawn !== null) p.process = { spawn: true };
    if (Object.keys(p).length) fragment[name] = p;
  }
  if (Object.keys(limits).length) fragment.limits = limits;
  const checked = policyFragmentSchema.safeParse(fragment, { reportInput: true });
  if (!checked.success)
    return {
      ok: false,
      errors: issuesToErrors(checked.error.issues, policyFragmentSchema).map((e) => {
        const line = lineOf(lines, e.pointer);
        return line === undefined ? e : { ...e, line };
      }),
    };
  return { ok: true, fragment: checked.data, lines };
}

/** Prints a manifest fragment as rules, in a fixed order; compileRules reads it back unchanged. */
export function printRules(fragment: PolicyFragment): string {
  const out: string[] = [];
  const section = (p: Permissions | undefined, prefix: string) => {
    for (const g of p?.fs ?? []) out.push(`${prefix}${g.access} ${g.path}`);
    for (const g of p?.net ?? []) out.push(`${prefix}connect ${formatConnectTarget(g)}`);
    for (const g of p?.ipc ?? []) {
      if (g.access !== 'subscribe') out.push(`${prefix}publish ${g.channel}`);
      if (g.access !== 'publish') out.push(`${prefix}subscribe ${g.channel}`);
    }
    if (p?.process?.spawn) out.push(`${prefix}spawn`);
  };
  section(fragment.permissions, '');
  for (const [name, spec] of Object.entries(LIMITS)) {
    const value = fragment.limits?.[spec.field];
    if (value !== undefined) out.push(`limit ${name} ${spec.print(value)}`);
  }
  section(fragment.optionalPermissions, 'optional ');
  return out.map((l) => l + '\n').join('');
}

/** "host", "host:443,8443", "[::1]:80" or a bare IPv6 address → a net grant, or what is wrong. */
function parseConnectTarget(target: string): NetGrant | string {
  // A URL goes to the schema whole, which says "write only the host name".
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return { host: target };
  let host = target;
  let ports: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(target);
  if (bracketed) {
    host = bracketed[1]!;
    ports = bracketed[2];
  } else if ((target.match(/:/g) ?? []).length === 1) {
    [host, ports] = target.split(':') as [string, string];
  }
  if (ports === undefined) return { host };
  if (!/^\d{1,5}(,\d{1,5})*$/.test(ports)) return `"${ports}" is not a port list`;
  return { host, ports: ports.split(',').map(Number) };
}

function formatConnectTarget(g: NetGrant): string {
  const host = g.host.includes(':') && !g.host.startsWith('[') ? `[${g.host}]` : g.host;
  return g.ports ? `${host}:${g.ports.join(',')}` : host;
}

/** Drops a "#" comment: a whole-line one, or one after whitespace ("read ${workspace}  # src"). */
function stripComment(line: string): string {
  const m = /(^|\s)#/.exec(line);
  return m ? line.slice(0, m.index) : line;
}

function splitWord(s: string): [string, string] {
  const m = /^(\S*)\s*(.*)$/s.exec(s.trim())!;
  return [m[1]!, m[2]!.trim()];
}

function wholeNumber(v: string, suffix: string): number | null {
  if (!v.endsWith(suffix)) return null;
  const digits = v.slice(0, v.length - suffix.length);
  return /^\d{1,10}$/.test(digits) ? Number(digits) : null;
}

/** "256MB", "256MiB", "1GB", "1GiB" → MB (2^20 bytes, as the manifest counts). */
function megabytes(v: string): number | null {
  const m = /^(\d{1,10})\s*(MB|MiB|M|GB|GiB|G)$/i.exec(v);
  if (!m) return null;
  return Number(m[1]) * (/^g/i.test(m[2]!) ? 1024 : 1);
}

/** "500ms", "30s", "2m", "1h" → milliseconds. */
function milliseconds(v: string): number | null {
  const m = /^(\d{1,10})\s*(ms|s|m|h)$/.exec(v);
  if (!m) return null;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}
