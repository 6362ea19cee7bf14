// What an extension asks for, in plain words with a risk level: the text a person consents to when
// installing (CLI and UI show the same list). The linter's findings raise an item's risk: an error
// makes it high, a warning medium. Pure.
import { lintPolicy, type LintFinding, type Severity } from '../policy/lint.ts';
import { DEFAULT_LIMITS } from '../policy/limits.ts';
import type { ManifestLimits, PolicyInput } from '../policy/manifest.ts';
import { parseHostPattern } from '../policy/host-names.ts';
import { grantVariable } from '../policy/variables.ts';
import { fsPathKey, grantLines, portsOf, type GrantLine } from './grants.ts';

export type Risk = 'low' | 'medium' | 'high';

export interface ConsentItem {
  /** One plain sentence: "Read files in your workspace (the folder you open)". */
  sentence: string;
  risk: Risk;
  /** "fs[0]", "optional net[1]", "process.spawn", "limits.memoryMB", or "" for the whole manifest. */
  grant: string;
  /** Asked for while it runs (optionalPermissions), not granted at install. */
  optional: boolean;
  /** The rule lines it stands for ("read ${workspace}"); empty for limits and notes. */
  rules: string[];
  /** The linter's findings about this item, as sentences. */
  notes: string[];
}

const RANK: Record<Risk, number> = { low: 0, medium: 1, high: 2 };
const FINDING_RISK: Record<Severity, Risk> = { error: 'high', warning: 'medium', info: 'low' };

/** The higher of two risks. */
export function maxRisk(a: Risk, b: Risk): Risk {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Every grant, raised limit and linter finding of a policy, as consent items: required grants,
 * then optional ones, then limits above the defaults, then findings about the manifest as a whole.
 */
export function summarizePermissions(policy: PolicyInput): ConsentItem[] {
  const findings = lintPolicy(policy);
  const used = new Set<LintFinding>();
  const attach = (pointer: string, item: ConsentItem): ConsentItem => {
    for (const f of findings) {
      if (f.pointer !== pointer && !f.pointer.startsWith(pointer + '/')) continue;
      used.add(f);
      item.notes.push(f.message);
      item.risk = maxRisk(item.risk, FINDING_RISK[f.severity]);
    }
    return item;
  };
  const items = grantLines(policy).map((line) => attach(line.pointer, grantItem(policy, line)));
  for (const item of limitItems(policy.limits)) {
    attach(`/limits/${item.grant.slice('limits.'.length)}`, item);
    items.push(item);
  }
  for (const f of findings) {
    if (used.has(f) || f.severity === 'info') continue;
    items.push({
      sentence: f.message,
      risk: FINDING_RISK[f.severity],
      grant: '',
      optional: false,
      rules: [],
      notes: [],
    });
  }
  return items;
}

/** The highest risk among the items (low when there are none). */
export function overallRisk(items: readonly ConsentItem[]): Risk {
  return items.reduce<Risk>((r, item) => maxRisk(r, item.risk), 'low');
}

/** The plain sentence and base risk of one grant. */
export function grantItem(policy: PolicyInput, line: GrantLine): ConsentItem {
  const optional = line.section === 'optionalPermissions';
  const p = optional ? policy.optionalPermissions : policy.permissions;
  const index = Number(/\[(\d+)\]$/.exec(line.label)?.[1] ?? -1);
  const item = (sentence: string, risk: Risk): ConsentItem => ({
    sentence,
    risk,
    grant: optional ? `optional ${line.label}` : line.label,
    optional,
    rules: line.rules,
    notes: [],
  });
  switch (line.kind) {
    case 'fs': {
      const g = p.fs![index]!;
      const where = folderWords(g.path);
      const verb = g.access === 'write' ? 'Read and change files in' : 'Read files in';
      return item(`${verb} ${where.words}`, where.private ? 'low' : fsRisk(g.path, g.access));
    }
    case 'net': {
      const g = p.net![index]!;
      const parsed = parseHostPattern(g.host);
      const host = parsed.ok ? parsed.pattern : { kind: 'name', host: g.host, wildcard: false };
      const who = host.wildcard
        ? `any subdomain of ${host.host}`
        : host.kind === 'name'
          ? host.host
          : `the address ${host.host}`;
      return item(`Connect to ${who}${portWords(portsOf(g))}`, 'medium');
    }
    case 'ipc': {
      const g = p.ipc![index]!;
      const verb = { publish: 'Send', subscribe: 'Receive', both: 'Send and receive' }[g.access];
      return item(`${verb} messages on the channel ${g.channel}`, 'low');
    }
    case 'spawn':
      return item('Start other programs (inside its sandbox)', 'medium');
  }
}

/** "your workspace (the folder you open)", "the folder reports in your Documents folder", … */
function folderWords(path: string): { words: string; private: boolean } {
  const key = fsPathKey(path);
  const variable = grantVariable(key);
  if (!variable) return { words: key, private: false };
  const rest = key.slice(variable.length + 3).replace(/^\//, '');
  const place = {
    workspace: 'your workspace (the folder you open)',
    home: 'your home folder',
    documents: 'your Documents folder',
    downloads: 'your Downloads folder',
    extensionData: 'its own data folder',
    tmp: 'its own temporary folder',
  }[variable];
  const isPrivate = variable === 'extensionData' || variable === 'tmp';
  if (rest === '')
    return { words: variable === 'home' ? 'your whole home folder' : place, private: isPrivate };
  return { words: `${rest} in ${place.replace(/ \(.*\)$/, '')}`, private: isPrivate };
}

function fsRisk(path: string, access: 'read' | 'write'): Risk {
  const variable = grantVariable(path);
  if (variable === 'home' && fsPathKey(path) === '${home}') return 'high';
  if (variable === 'workspace' && access === 'read') return 'low';
  return 'medium';
}

function portWords(ports: readonly number[]): string {
  if (ports.length === 1 && ports[0] === 443) return ' (HTTPS, port 443)';
  if (ports.length === 1 && ports[0] === 80) return ' on port 80 (unencrypted HTTP)';
  return ports.length === 1 ? ` on port ${ports[0]}` : ` on ports ${ports.join(', ')}`;
}

/** Limits set above the contract's defaults: more of the machine than an extension gets unasked. */
function limitItems(limits: ManifestLimits): ConsentItem[] {
  const words: Record<keyof ManifestLimits, (n: number) => string> = {
    memoryMB: (n) => `Use up to ${n} MB of memory`,
    cpuPercent: (n) => `Use up to ${n}% CPU (100% is one core)`,
    pids: (n) => `Run up to ${n} processes and threads`,
    openFiles: (n) => `Keep up to ${n} files open`,
    fileSizeMB: (n) => `Write files of up to ${n} MB`,
    timeoutMs: (n) => `Run a command for up to ${n / 1000} seconds`,
  };
  const out: ConsentItem[] = [];
  for (const field of Object.keys(words) as (keyof ManifestLimits)[]) {
    const value = limits[field];
    if (value === undefined || value <= DEFAULT_LIMITS[field]) continue;
    out.push({
      sentence: `${words[field](value)} (default ${DEFAULT_LIMITS[field]})`,
      risk: 'low',
      grant: `limits.${field}`,
      optional: false,
      rules: [],
      notes: [],
    });
  }
  return out;
}
