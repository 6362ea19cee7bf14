// What an update changes in what an extension may do: grants added, removed, widened or narrowed
// (an optional grant that becomes required is widened: it is no longer asked for), and limits
// raised or lowered. Anything added, widened or raised needs the user's consent again. Pure.
import { DEFAULT_LIMITS } from '../policy/limits.ts';
import type { ManifestLimits, PolicyInput } from '../policy/manifest.ts';
import { fsPathKey, grantLines, portsOf, type GrantLine } from './grants.ts';
import { grantItem, type ConsentItem } from './summary.ts';

export interface GrantChange {
  change: 'added' | 'removed' | 'widened' | 'narrowed';
  /** The grant as the new version has it (as the old one had it, for "removed"). */
  item: ConsentItem;
  /** For widened and narrowed: the grant as the old version had it. */
  before?: ConsentItem;
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
  /** True when anything was added, widened or raised: the update waits for consent. */
  needsConsent: boolean;
}

/** One grant with what it allows, comparable across versions. */
interface Access {
  line: GrantLine;
  item: ConsentItem;
  /** What it allows, as a set of atoms ("read", "write", "port 443", "publish", …). */
  atoms: Set<string>;
}

/** The diff between the policy the user consented to (`before`) and a new version's (`after`). */
export function diffPermissions(before: PolicyInput, after: PolicyInput): PermissionDiff {
  const old = accessesOf(before);
  const next = accessesOf(after);
  const grants: GrantChange[] = [];
  for (const [key, now] of next) {
    for (const section of ['permissions', 'optionalPermissions'] as const) {
      const a = now[section];
      if (!a) continue;
      const same = old.get(key)?.[section];
      const other =
        old.get(key)?.[section === 'permissions' ? 'optionalPermissions' : 'permissions'];
      if (same) {
        const gained = [...a.atoms].some((x) => !same.atoms.has(x));
        const lost = [...same.atoms].some((x) => !a.atoms.has(x));
        if (gained) grants.push({ change: 'widened', item: a.item, before: same.item });
        else if (lost) grants.push({ change: 'narrowed', item: a.item, before: same.item });
      } else if (other && section === 'permissions') {
        grants.push({ change: 'widened', item: a.item, before: other.item });
      } else if (other) {
        grants.push({ change: 'narrowed', item: a.item, before: other.item });
      } else if (!coveredFs(a, old, section)) {
        grants.push({ change: 'added', item: a.item });
      }
    }
  }
  for (const [key, was] of old) {
    for (const section of ['permissions', 'optionalPermissions'] as const) {
      const a = was[section];
      if (a && !next.get(key)?.permissions && !next.get(key)?.optionalPermissions)
        grants.push({ change: 'removed', item: a.item });
    }
  }
  const limits = limitChanges(before.limits, after.limits);
  const needsConsent =
    grants.some((g) => g.change === 'added' || g.change === 'widened') ||
    limits.some((l) => l.raised);
  return { grants, limits, needsConsent };
}

/** Grants by what they are about (fs path, host, channel, spawn), merged per section. */
function accessesOf(
  policy: PolicyInput,
): Map<string, Partial<Record<'permissions' | 'optionalPermissions', Access>>> {
  const out = new Map<string, Partial<Record<'permissions' | 'optionalPermissions', Access>>>();
  for (const line of grantLines(policy)) {
    const entry = out.get(line.key) ?? {};
    const atoms = atomsOf(policy, line);
    const existing = entry[line.section];
    if (existing) for (const a of atoms) existing.atoms.add(a);
    else entry[line.section] = { line, item: grantItem(policy, line), atoms };
    out.set(line.key, entry);
  }
  return out;
}

function atomsOf(policy: PolicyInput, line: GrantLine): Set<string> {
  const p = line.section === 'permissions' ? policy.permissions : policy.optionalPermissions;
  const index = Number(/\[(\d+)\]$/.exec(line.label)?.[1] ?? -1);
  switch (line.kind) {
    case 'fs':
      return new Set(p.fs![index]!.access === 'write' ? ['read', 'write'] : ['read']);
    case 'net':
      return new Set(portsOf(p.net![index]!).map((port) => `port ${port}`));
    case 'ipc':
      return new Set(line.rules.map((r) => r.split(' ')[0]!));
    case 'spawn':
      return new Set(['spawn']);
  }
}

/** A new fs grant inside a folder the old version already had, with at least the same access. */
function coveredFs(
  a: Access,
  old: ReturnType<typeof accessesOf>,
  section: 'permissions' | 'optionalPermissions',
): boolean {
  if (a.line.kind !== 'fs') return false;
  const path = a.line.key.slice('fs '.length);
  for (const [key, was] of old) {
    const outer = was[section] ?? (section === 'optionalPermissions' ? was.permissions : undefined);
    if (!outer || outer.line.kind !== 'fs') continue;
    const root = fsPathKey(key.slice('fs '.length));
    if (path.startsWith(root + '/') && [...a.atoms].every((x) => outer.atoms.has(x))) return true;
  }
  return false;
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
