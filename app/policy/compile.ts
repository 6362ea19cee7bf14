// Compiles a manifest's permissions and limits into the one object the launcher and the broker
// share: absolute grant paths, canonical hosts, resolved limits, every grant labelled for audit.
import { formatHostPattern, parseHostPattern, type HostPattern } from './host-names.ts';
import { isWithin, normalizeAbsolutePath } from './paths.ts';
import { resolveLimits, type ResolvedLimits } from './limits.ts';
import type { ManifestLimits, Permissions } from './manifest.ts';
import type { PolicyError } from './errors.ts';
import { expandGrantPath, type PathVariables } from './variables.ts';

export interface CompiledFsGrant {
  /** Absolute, normalised (lexical) path; the host resolves it to a real path before use. */
  path: string;
  access: 'read' | 'write';
  /** What decided it, for the audit reason: "fs[0]", or "extensionData" / "tmp" for the built-ins. */
  grant: string;
}

export interface CompiledNetGrant extends HostPattern {
  ports: number[];
  grant: string;
}

export interface CompiledIpcGrant {
  channel: string;
  publish: boolean;
  subscribe: boolean;
  grant: string;
}

export interface CompiledGrants {
  fs: CompiledFsGrant[];
  net: CompiledNetGrant[];
  ipc: CompiledIpcGrant[];
  spawn: boolean;
}

/** The compiled policy: required grants, optional grants (prompted at run time) and limits. */
export interface CompiledPolicy extends CompiledGrants {
  limits: ResolvedLimits;
  optional: CompiledGrants;
}

export type CompileResult =
  { ok: true; policy: CompiledPolicy } | { ok: false; errors: PolicyError[] };

/** Port 443 when a net grant names none (contracts §1). */
export const DEFAULT_PORTS: readonly number[] = [443];

/**
 * Compiles validated permissions for this machine's path variables. ${extensionData} and ${tmp}
 * are always granted read-write when `vars` gives them. Errors (such as a ${workspace} grant with
 * no folder open) come back as data, one per grant.
 */
export function compilePolicy(
  permissions: Permissions,
  limits: ManifestLimits | undefined,
  vars: PathVariables,
  optionalPermissions: Permissions = {},
): CompileResult {
  const errors: PolicyError[] = [];
  const required = compileGrants(permissions, vars, '/permissions', errors);
  const optional = compileGrants(optionalPermissions, vars, '/optionalPermissions', errors);
  for (const name of ['extensionData', 'tmp'] as const) {
    if (!vars[name]) continue;
    const path = normalizeAbsolutePath(vars[name]);
    if (path) required.fs.push({ path, access: 'write', grant: name });
    else
      errors.push({
        pointer: '',
        message: `\${${name}} is "${vars[name]}", not an absolute path`,
        fix: `give the launcher an absolute \${${name}} folder`,
      });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, policy: { ...required, limits: resolveLimits(limits), optional } };
}

function compileGrants(
  p: Permissions,
  vars: PathVariables,
  pointer: string,
  errors: PolicyError[],
): CompiledGrants {
  const fs: CompiledFsGrant[] = [];
  (p.fs ?? []).forEach((g, i) => {
    const r = expandGrantPath(g.path, vars);
    if (r.ok) fs.push({ path: r.path, access: g.access, grant: `fs[${i}]` });
    else {
      const [message, fix] = r.error.split('; fix: ');
      errors.push({
        pointer: `${pointer}/fs/${i}/path`,
        message: message!,
        fix: fix ?? 'correct the path',
      });
    }
  });
  const net: CompiledNetGrant[] = [];
  (p.net ?? []).forEach((g, i) => {
    const r = parseHostPattern(g.host);
    if (r.ok)
      net.push({ ...r.pattern, ports: [...new Set(g.ports ?? DEFAULT_PORTS)], grant: `net[${i}]` });
    else errors.push({ pointer: `${pointer}/net/${i}/host`, message: r.message, fix: r.fix });
  });
  const ipc = (p.ipc ?? []).map((g, i) => ({
    channel: g.channel,
    publish: g.access !== 'subscribe',
    subscribe: g.access !== 'publish',
    grant: `ipc[${i}]`,
  }));
  return { fs, net, ipc, spawn: p.process?.spawn === true };
}

/** The sandbox's share of a compiled policy, in app/sandbox/plan.ts terms. */
export interface SandboxGrants {
  /** Bind mounts for the required fs grants, parents first; grants inside a wider one dropped. */
  mounts: { path: string; access: 'ro' | 'rw' }[];
  /** Whether the extension may start programs (the launcher widens execPaths only then). */
  spawn: boolean;
  limits: ResolvedLimits;
}

/**
 * The mounts, spawn flag and limits the launcher puts into a SandboxPlan (it adds the system
 * paths, exec paths and environment). Net grants become no kernel rule: Landlock filters TCP by
 * port alone, so a port rule would allow that port to every host; the network is reached only
 * through the broker and the proxy, which check host and port. Paths must already be real paths (app/platform/real-path.ts):
 * the helper refuses any path with a symlink in it.
 */
export function sandboxGrants(policy: CompiledPolicy): SandboxGrants {
  const byPath = new Map<string, 'ro' | 'rw'>();
  for (const g of policy.fs) {
    const access = g.access === 'write' ? 'rw' : 'ro';
    if (byPath.get(g.path) !== 'rw') byPath.set(g.path, access);
  }
  const entries = [...byPath].map(([path, access]) => ({ path, access }));
  // A mount is redundant when an ancestor already gives at least the same access.
  const mounts = entries
    .filter(
      (m) =>
        !entries.some(
          (o) => o !== m && isWithin(m.path, o.path) && (o.access === 'rw' || m.access === 'ro'),
        ),
    )
    .sort((a, b) => depth(a.path) - depth(b.path) || (a.path < b.path ? -1 : 1));
  return {
    mounts,
    spawn: policy.spawn,
    limits: policy.limits,
  };
}

function depth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}

/** A compiled grant as the manifest would write it (for messages and `corral policy` output). */
export function describeNetGrant(g: CompiledNetGrant): string {
  return `${formatHostPattern(g)}:${g.ports.join(',')}`;
}
