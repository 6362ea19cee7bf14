// What an update changes in what an extension may do, computed on what is granted: each fs path ×
// access, each host × port, each ipc channel × direction, spawn, and each limit. Never on the
// positions of entries in the manifest: a second net entry for a host once hid its new port behind
// the first entry's sentence (issue 13). Anything gained (added, or widened, an optional grant that
// becomes required included: it is no longer asked for) or a limit raised needs consent again.
// Paths are compared as written (`${documents}/x`), not on this machine's folders, so a grant
// spelled with another variable counts as new: the diff may ask too much, never too little. Pure.
import { DEFAULT_LIMITS } from '../policy/limits.ts';
import { hostMatches, parseHostPattern } from '../policy/host-names.ts';
import type { ManifestLimits, Permissions, PolicyInput } from '../policy/manifest.ts';
import {
  fsPathKey,
  grantLines,
  netHostKey,
  portsOf,
  type GrantLine,
  type Section,
} from './grants.ts';
import { grantItem, type ConsentItem } from './summary.ts';

export interface GrantChange {
  change: 'added' | 'removed' | 'widened' | 'narrowed';
  /** What the new version grants there (what the old one granted, for "removed"). */
  item: ConsentItem;
  /** For widened and narrowed: what the old version granted there. */
  before?: ConsentItem;
  /**
   * Exactly what this change gains (added, widened) or loses (removed, narrowed), one rule line per
   * path × access, host × port, channel × direction: "connect 127.0.0.1:8766",
   * "optional read ${downloads}" (gained or lost as an optional grant).
   */
  rules: string[];
}

export interface LimitChange {
  limit: keyof ManifestLimits;
  from: number;
  to: number;
  raised: boolean;
}

export interface PermissionDiff {
  grants: GrantChange[];
  limits: LimitChange[];
  /** Rule lines both versions grant alike (same path, access, port, direction; same section). */
  unchanged: string[];
  /** True when anything was added, widened or raised: the update waits for consent. */
  needsConsent: boolean;
}

/** One unit of access: a path with one access, a host with one port, a channel one way, spawn. */
interface Atom {
  kind: GrantLine['kind'];
  /** The grant key without its kind: a path key, a host key, a channel, or "" for spawn. */
  subject: string;
  /** "read" | "write" | a port number | "publish" | "subscribe" | "spawn". */
  access: string;
}

/** 0: not granted; 1: optional (asked while it runs); 2: required. */
type Level = 0 | 1 | 2;

const SECTIONS: readonly [Section, Level][] = [
  ['permissions', 2],
  ['optionalPermissions', 1],
];

/** The diff between the policy the user consented to (`before`) and a new version's (`after`). */
export function diffPermissions(before: PolicyInput, after: PolicyInput): PermissionDiff {
  const grants = [...changes(after, before, 'gained'), ...changes(before, after, 'lost')];
  const unchanged = new Set<string>();
  for (const policy of [before, after])
    for (const [section, level] of SECTIONS)
      for (const atom of atomsOf(policyPermissions(policy, section)))
        if (levelIn(before, atom) === level && levelIn(after, atom) === level)
          unchanged.add(ruleOf(atom, level));
  const limits = limitChanges(before.limits, after.limits);
  const needsConsent =
    grants.some((g) => g.change === 'added' || g.change === 'widened') ||
    limits.some((l) => l.raised);
  return { grants, limits, unchanged: [...unchanged], needsConsent };
}

/**
 * The atoms `from` grants at a higher level than `other`, grouped by grant key and level: with
 * `gained`, `from` is the new version (added or widened); with `lost`, the old one (removed or
 * narrowed).
 */
function changes(from: PolicyInput, other: PolicyInput, way: 'gained' | 'lost'): GrantChange[] {
  const out: GrantChange[] = [];
  for (const [section, level] of SECTIONS) {
    const byKey = new Map<string, Atom[]>();
    for (const atom of atomsOf(policyPermissions(from, section))) {
      if (levelIn(from, atom) !== level || levelIn(other, atom) >= level) continue;
      const key = keyOf(atom);
      const list = byKey.get(key) ?? [];
      if (!list.some((a) => a.access === atom.access)) list.push(atom);
      byKey.set(key, list);
    }
    for (const [key, atoms] of byKey) {
      const rules = atoms.map((a) => ruleOf(a, level));
      const here = describe(from, key, section)!;
      const there =
        describe(other, key, 'permissions') ?? describe(other, key, 'optionalPermissions');
      if (way === 'gained')
        out.push(
          there
            ? { change: 'widened', item: here, before: there, rules }
            : { change: 'added', item: here, rules },
        );
      else
        out.push(
          there
            ? { change: 'narrowed', item: there, before: here, rules }
            : { change: 'removed', item: here, rules },
        );
    }
  }
  return out;
}

function policyPermissions(policy: PolicyInput, section: Section): Permissions {
  return section === 'permissions' ? policy.permissions : policy.optionalPermissions;
}

/** Every atom the grants of `p` name (each grant split into its paths × accesses, ports, …). */
function atomsOf(p: Permissions): Atom[] {
  const out: Atom[] = [];
  for (const g of p.fs ?? []) {
    const subject = fsPathKey(g.path);
    out.push({ kind: 'fs', subject, access: 'read' });
    if (g.access === 'write') out.push({ kind: 'fs', subject, access: 'write' });
  }
  for (const g of p.net ?? [])
    for (const port of portsOf(g))
      out.push({ kind: 'net', subject: netHostKey(g.host), access: String(port) });
  for (const g of p.ipc ?? []) {
    if (g.access !== 'subscribe') out.push({ kind: 'ipc', subject: g.channel, access: 'publish' });
    if (g.access !== 'publish') out.push({ kind: 'ipc', subject: g.channel, access: 'subscribe' });
  }
  if (p.process?.spawn) out.push({ kind: 'spawn', subject: '', access: 'spawn' });
  return out;
}

/** The highest level at which `policy` grants `atom`, counting wider grants that cover it. */
function levelIn(policy: PolicyInput, atom: Atom): Level {
  if (covers(policy.permissions, atom)) return 2;
  if (covers(policy.optionalPermissions, atom)) return 1;
  return 0;
}

function covers(p: Permissions, atom: Atom): boolean {
  switch (atom.kind) {
    case 'fs':
      return (p.fs ?? []).some(
        (g) =>
          pathWithin(atom.subject, fsPathKey(g.path)) &&
          (atom.access === 'read' || g.access === 'write'),
      );
    case 'net':
      return (p.net ?? []).some(
        (g) =>
          portsOf(g).includes(Number(atom.access)) && hostCovers(netHostKey(g.host), atom.subject),
      );
    case 'ipc':
      return (p.ipc ?? []).some(
        (g) =>
          g.channel === atom.subject &&
          (g.access === 'both' || g.access === (atom.access as 'publish' | 'subscribe')),
      );
    case 'spawn':
      return p.process?.spawn === true;
  }
}

/** A path key at or beneath a grant's path key, as written ("${workspace}/src" in "${workspace}"). */
function pathWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : root + '/');
}

/** Whether the host pattern `grant` covers every host the pattern `host` names. */
function hostCovers(grant: string, host: string): boolean {
  if (grant === host) return true;
  const g = parseHostPattern(grant);
  const h = parseHostPattern(host);
  if (!g.ok || !h.ok || !g.pattern.wildcard) return false;
  // "*.x.com" covers "a.x.com" and "*.a.x.com", never "x.com" itself.
  if (h.pattern.wildcard) return h.pattern.host.endsWith('.' + g.pattern.host);
  return hostMatches(g.pattern, h.pattern);
}

function keyOf(atom: Atom): string {
  return atom.kind === 'spawn' ? 'spawn' : `${atom.kind} ${atom.subject}`;
}

/** An atom as a rule line (contracts §2), "optional " first for an optional one. */
function ruleOf(atom: Atom, level: Level): string {
  const optional = level === 1 ? 'optional ' : '';
  switch (atom.kind) {
    case 'fs':
    case 'ipc':
      return `${optional}${atom.access} ${atom.subject}`;
    case 'net': {
      const host = atom.subject.includes(':') ? `[${atom.subject}]` : atom.subject;
      return `${optional}connect ${host}:${atom.access}`;
    }
    case 'spawn':
      return `${optional}spawn`;
  }
}

/**
 * What `policy` grants under one key in one section, in plain words: its grants of that key
 * merged (every port of a host, both directions of a channel), or null when it has none.
 */
function describe(policy: PolicyInput, key: string, section: Section): ConsentItem | null {
  const lines = grantLines(policy).filter((l) => l.section === section && l.key === key);
  if (lines.length === 0) return null;
  if (lines.length === 1) return grantItem(policy, lines[0]!);
  const p = policyPermissions(policy, section);
  const index = (l: GrantLine) => Number(/\[(\d+)\]$/.exec(l.label)?.[1] ?? -1);
  const merged: Permissions = {};
  const first = lines[0]!;
  if (first.kind === 'fs') {
    const grants = lines.map((l) => p.fs![index(l)]!);
    merged.fs = [
      {
        path: grants[0]!.path,
        access: grants.some((g) => g.access === 'write') ? 'write' : 'read',
      },
    ];
  } else if (first.kind === 'net') {
    const grants = lines.map((l) => p.net![index(l)]!);
    const ports = [...new Set(grants.flatMap(portsOf))].sort((a, b) => a - b);
    merged.net = [{ host: grants[0]!.host, ports }];
  } else if (first.kind === 'ipc') {
    const grants = lines.map((l) => p.ipc![index(l)]!);
    const publish = grants.some((g) => g.access !== 'subscribe');
    const subscribe = grants.some((g) => g.access !== 'publish');
    merged.ipc = [
      {
        channel: grants[0]!.channel,
        access: publish && subscribe ? 'both' : publish ? 'publish' : 'subscribe',
      },
    ];
  } else merged.process = { spawn: true };
  const single: PolicyInput = {
    permissions: section === 'permissions' ? merged : {},
    optionalPermissions: section === 'optionalPermissions' ? merged : {},
    limits: policy.limits,
  };
  const item = grantItem(single, grantLines(single)[0]!);
  const prefix = section === 'optionalPermissions' ? 'optional ' : '';
  return {
    ...item,
    grant: lines.map((l) => prefix + l.label).join(', '),
    rules: [...new Set(lines.flatMap((l) => l.rules))],
  };
}

function limitChanges(before: ManifestLimits, after: ManifestLimits): LimitChange[] {
  const out: LimitChange[] = [];
  for (const limit of Object.keys(DEFAULT_LIMITS) as (keyof ManifestLimits)[]) {
    const from = before[limit] ?? DEFAULT_LIMITS[limit];
    const to = after[limit] ?? DEFAULT_LIMITS[limit];
    if (from !== to) out.push({ limit, from, to, raised: to > from });
  }
  return out;
}
