// The grants of a manifest as rule lines (contracts §2) with the labels the runtime gives them, and
// the user's later changes to them: revocations ("revoke ID RULE") and "allow always" answers,
// applied to the manifest to give the policy an installed extension runs with. Pure.
import { DEFAULT_PORTS } from '../policy/compile.ts';
import { formatHostPattern, parseHostPattern } from '../policy/host-names.ts';
import type { FsGrant, IpcGrant, NetGrant, Permissions, PolicyInput } from '../policy/manifest.ts';
import { normalizeAbsolutePath } from '../policy/paths.ts';
import { compileRules } from '../policy/rules.ts';
import { grantVariable } from '../policy/variables.ts';

export type Section = 'permissions' | 'optionalPermissions';
export type GrantKind = 'fs' | 'net' | 'ipc' | 'spawn';

/** One grant of a manifest, as the runtime labels it and as rules write it. */
export interface GrantLine {
  section: Section;
  kind: GrantKind;
  /** The runtime's label (GrantState, audit reasons): "fs[0]", "net[1]", "process.spawn". */
  label: string;
  /** JSON pointer of the grant in the manifest, e.g. "/permissions/fs/0" (lint findings use it). */
  pointer: string;
  /** What the grant is about, the same across access levels: "fs ${workspace}", "net api.x.com". */
  key: string;
  /** The rule lines that state it ("read ${workspace}"; an ipc "both" grant gives two). */
  rules: string[];
}

/** Every grant of a policy, required ones first, in manifest order. */
export function grantLines(policy: PolicyInput): GrantLine[] {
  return [
    ...sectionLines(policy.permissions, 'permissions'),
    ...sectionLines(policy.optionalPermissions, 'optionalPermissions'),
  ];
}

function sectionLines(p: Permissions, section: Section): GrantLine[] {
  const out: GrantLine[] = [];
  (p.fs ?? []).forEach((g, i) =>
    out.push({
      section,
      kind: 'fs',
      label: `fs[${i}]`,
      pointer: `/${section}/fs/${i}`,
      key: `fs ${fsPathKey(g.path)}`,
      rules: [`${g.access} ${fsPathKey(g.path)}`],
    }),
  );
  (p.net ?? []).forEach((g, i) =>
    out.push({
      section,
      kind: 'net',
      label: `net[${i}]`,
      pointer: `/${section}/net/${i}`,
      key: `net ${netHostKey(g.host)}`,
      rules: [`connect ${connectTarget(netHostKey(g.host), portsOf(g))}`],
    }),
  );
  (p.ipc ?? []).forEach((g, i) =>
    out.push({
      section,
      kind: 'ipc',
      label: `ipc[${i}]`,
      pointer: `/${section}/ipc/${i}`,
      key: `ipc ${g.channel}`,
      rules: ipcAccesses(g).map((a) => `${a} ${g.channel}`),
    }),
  );
  if (p.process?.spawn)
    out.push({
      section,
      kind: 'spawn',
      label: 'process.spawn',
      pointer: `/${section}/process/spawn`,
      key: 'spawn',
      rules: ['spawn'],
    });
  return out;
}

/** A grant path in one spelling: "${workspace}/a//b/" → "${workspace}/a/b". */
export function fsPathKey(path: string): string {
  const variable = grantVariable(path);
  const rest = variable ? path.slice(variable.length + 3) : path;
  const normal = normalizeAbsolutePath('/' + rest) ?? rest;
  if (!variable) return normal;
  return `\${${variable}}${normal === '/' ? '' : normal}`;
}

/** A grant host in its canonical spelling (lower case, IPv6 compressed). */
export function netHostKey(host: string): string {
  const parsed = parseHostPattern(host);
  return parsed.ok ? formatHostPattern(parsed.pattern) : host;
}

/** The ports a net grant opens (443 when it names none), sorted. */
export function portsOf(g: NetGrant): number[] {
  return [...new Set(g.ports ?? DEFAULT_PORTS)].sort((a, b) => a - b);
}

function connectTarget(host: string, ports: readonly number[] | null): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return ports ? `${shown}:${ports.join(',')}` : shown;
}

function ipcAccesses(g: IpcGrant): ('publish' | 'subscribe')[] {
  return g.access === 'both' ? ['publish', 'subscribe'] : [g.access];
}

// ---- revocations ---------------------------------------------------------------------------

/** What one `revoke ID RULE` takes away. */
export type Revocation = { optionalOnly: boolean } & (
  | { kind: 'fs'; path: string; access: 'read' | 'write' }
  /** `ports: null`: the rule named no port, so every port of the host goes. */
  | { kind: 'net'; host: string; ports: number[] | null }
  | { kind: 'ipc'; channel: string; access: 'publish' | 'subscribe' }
  | { kind: 'spawn' }
);

export type ParsedRevocation =
  { ok: true; revocation: Revocation; rule: string } | { ok: false; error: string };

/**
 * Parses one rule line as `corral revoke` takes it ("read ${downloads}", "connect api.x.com:443",
 * "optional spawn") into a revocation and its canonical spelling, or says what is wrong.
 */
export function parseRevocation(text: string): ParsedRevocation {
  const line = text.trim();
  if (line === '' || /[\n\r]/.test(line))
    return {
      ok: false,
      error: 'give one rule, e.g. "read ${downloads}" or "connect api.github.com:443"',
    };
  const compiled = compileRules(line);
  if (!compiled.ok) {
    const e = compiled.errors[0]!;
    return { ok: false, error: `"${line}": ${e.message}; fix: ${e.fix}` };
  }
  const { fragment } = compiled;
  if (fragment.limits)
    return {
      ok: false,
      error: `"${line}" is a limit, not a grant; fix: revoke a read, write, connect, publish, subscribe or spawn rule`,
    };
  const optionalOnly = fragment.optionalPermissions !== undefined;
  const p = (fragment.optionalPermissions ?? fragment.permissions)!;
  const prefix = optionalOnly ? 'optional ' : '';
  const fs = p.fs?.[0];
  if (fs) {
    const path = fsPathKey(fs.path);
    return {
      ok: true,
      revocation: { optionalOnly, kind: 'fs', path, access: fs.access },
      rule: `${prefix}${fs.access} ${path}`,
    };
  }
  const net = p.net?.[0];
  if (net) {
    const host = netHostKey(net.host);
    const ports = net.ports ? portsOf(net) : null;
    return {
      ok: true,
      revocation: { optionalOnly, kind: 'net', host, ports },
      rule: `${prefix}connect ${connectTarget(host, ports)}`,
    };
  }
  const ipc = p.ipc?.[0];
  if (ipc) {
    const access = ipc.access === 'subscribe' ? 'subscribe' : 'publish';
    return {
      ok: true,
      revocation: { optionalOnly, kind: 'ipc', channel: ipc.channel, access },
      rule: `${prefix}${access} ${ipc.channel}`,
    };
  }
  return { ok: true, revocation: { optionalOnly, kind: 'spawn' }, rule: `${prefix}spawn` };
}

/** The permissions without what `r` takes away, and the labels of the grants it removed or narrowed. */
export function applyRevocation(
  p: Permissions,
  r: Revocation,
): { permissions: Permissions; labels: string[] } {
  const labels: string[] = [];
  const out: Permissions = { ...p };
  if (r.kind === 'fs' && p.fs) {
    const fs: FsGrant[] = [];
    p.fs.forEach((g, i) => {
      const touched = fsPathKey(g.path) === r.path && (r.access === 'read' || g.access === 'write');
      if (!touched) return void fs.push(g);
      labels.push(`fs[${i}]`);
      // Taking "write" away leaves "read"; taking "read" away takes all (write implies read).
      if (r.access === 'write') fs.push({ path: g.path, access: 'read' });
    });
    out.fs = fs;
  }
  if (r.kind === 'net' && p.net) {
    const net: NetGrant[] = [];
    p.net.forEach((g, i) => {
      if (netHostKey(g.host) !== r.host) return void net.push(g);
      const left = r.ports ? portsOf(g).filter((port) => !r.ports!.includes(port)) : [];
      if (left.length === portsOf(g).length) return void net.push(g);
      labels.push(`net[${i}]`);
      if (left.length > 0) net.push({ host: g.host, ports: left });
    });
    out.net = net;
  }
  if (r.kind === 'ipc' && p.ipc) {
    const ipc: IpcGrant[] = [];
    p.ipc.forEach((g, i) => {
      const left = g.channel === r.channel ? ipcAccesses(g).filter((a) => a !== r.access) : null;
      if (!left || left.length === ipcAccesses(g).length) return void ipc.push(g);
      labels.push(`ipc[${i}]`);
      if (left.length > 0) ipc.push({ channel: g.channel, access: left[0]! });
    });
    out.ipc = ipc;
  }
  if (r.kind === 'spawn' && p.process?.spawn) {
    labels.push('process.spawn');
    out.process = { spawn: false };
  }
  return { permissions: labels.length > 0 ? out : p, labels };
}

/** The labels (in the runtime's naming) of the grants of `policy` that revoking `rule` touches. */
export function labelsRevokedBy(policy: PolicyInput, r: Revocation): string[] {
  const { required, optional } = labelsRevokedBySection(policy, r);
  return [...new Set([...optional, ...required])];
}

/** The labels a revocation touches, per section: required and optional grants are numbered apart. */
export function labelsRevokedBySection(
  policy: PolicyInput,
  r: Revocation,
): { required: string[]; optional: string[] } {
  return {
    optional: applyRevocation(policy.optionalPermissions, r).labels,
    required: r.optionalOnly ? [] : applyRevocation(policy.permissions, r).labels,
  };
}

// ---- the policy an installed extension runs with ---------------------------------------------

/** An optional grant as the "allow always" list records it: its rule lines joined by "; ". */
export function grantId(line: GrantLine): string {
  return line.rules.join('; ');
}

/**
 * The manifest's policy with the user's revocations taken away, then the optional grants the user
 * allowed always moved into the required ones (a revoked grant is never moved back).
 */
export function effectivePolicy(
  manifest: PolicyInput,
  revoked: readonly string[],
  allowedAlways: readonly string[],
): PolicyInput {
  let permissions = manifest.permissions;
  let optionalPermissions = manifest.optionalPermissions;
  for (const rule of revoked) {
    const parsed = parseRevocation(rule);
    if (!parsed.ok) continue; // recorded rules were parsed before they were stored
    optionalPermissions = applyRevocation(optionalPermissions, parsed.revocation).permissions;
    if (!parsed.revocation.optionalOnly)
      permissions = applyRevocation(permissions, parsed.revocation).permissions;
  }
  const always = new Set(allowedAlways);
  const moved: Permissions = {};
  const kept: Permissions = {};
  for (const line of sectionLines(optionalPermissions, 'optionalPermissions')) {
    const target = always.has(grantId(line)) ? moved : kept;
    copyGrant(optionalPermissions, line, target);
  }
  return {
    permissions: mergePermissions(permissions, moved),
    optionalPermissions: kept,
    limits: manifest.limits,
  };
}

function copyGrant(from: Permissions, line: GrantLine, to: Permissions): void {
  const index = Number(/\[(\d+)\]$/.exec(line.label)?.[1] ?? -1);
  if (line.kind === 'fs') (to.fs ??= []).push(from.fs![index]!);
  if (line.kind === 'net') (to.net ??= []).push(from.net![index]!);
  if (line.kind === 'ipc') (to.ipc ??= []).push(from.ipc![index]!);
  if (line.kind === 'spawn') to.process = { spawn: true };
}

function mergePermissions(a: Permissions, b: Permissions): Permissions {
  const out: Permissions = { ...a };
  if (b.fs) out.fs = [...(a.fs ?? []), ...b.fs];
  if (b.net) out.net = [...(a.net ?? []), ...b.net];
  if (b.ipc) out.ipc = [...(a.ipc ?? []), ...b.ipc];
  if (b.process?.spawn) out.process = { spawn: true };
  return out;
}

/** The rule lines of a policy, optional ones prefixed "optional ": what `corral list` shows. */
export function policyRules(policy: PolicyInput): string[] {
  return grantLines(policy).flatMap((line) =>
    line.rules.map((r) => (line.section === 'optionalPermissions' ? `optional ${r}` : r)),
  );
}
