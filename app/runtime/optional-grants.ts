// permissions/request: which of the manifest's optional grants a request asks for. Anything not
// declared in optionalPermissions is refused without asking the user (contracts section 1).
import type { CompiledPolicy } from '../policy/compile.ts';
import { DEFAULT_PORTS } from '../policy/compile.ts';
import type { Permissions } from '../policy/manifest.ts';
import { parseHostPattern } from '../policy/host-names.ts';
import { isWithin } from '../policy/paths.ts';
import { expandGrantPath, type PathVariables } from '../policy/variables.ts';

export type OptionalMatch = { ok: true; labels: string[] } | { ok: false; reason: string };

/** The optional grant labels that cover `requested` (none when all is granted already). */
export function matchOptionalGrants(
  policy: CompiledPolicy,
  requested: Permissions,
  vars: PathVariables,
): OptionalMatch {
  const labels = new Set<string>();
  const covered = (items: { grant: string }[], fits: (g: never) => boolean) =>
    items.find((g) => fits(g as never));

  for (const want of requested.fs ?? []) {
    const expanded = expandGrantPath(want.path, vars);
    if (!expanded.ok) return { ok: false, reason: `fs ${want.path}: ${expanded.error}` };
    const fits = (g: { path: string; access: string }) =>
      isWithin(expanded.path, g.path) && (want.access === 'read' || g.access === 'write');
    if (covered(policy.fs, fits)) continue;
    const opt = covered(policy.optional.fs, fits);
    if (!opt)
      return {
        ok: false,
        reason: `${want.access} ${want.path} is not declared in optionalPermissions`,
      };
    labels.add(opt.grant);
  }
  for (const want of requested.net ?? []) {
    const parsed = parseHostPattern(want.host);
    if (!parsed.ok) return { ok: false, reason: `net ${want.host}: ${parsed.message}` };
    const ports = want.ports ?? DEFAULT_PORTS;
    const fits = (g: { host: string; wildcard: boolean; ports: number[] }) =>
      g.host === parsed.pattern.host &&
      g.wildcard === parsed.pattern.wildcard &&
      ports.every((p) => g.ports.includes(p));
    if (covered(policy.net, fits)) continue;
    const opt = covered(policy.optional.net, fits);
    if (!opt)
      return { ok: false, reason: `connect ${want.host} is not declared in optionalPermissions` };
    labels.add(opt.grant);
  }
  for (const want of requested.ipc ?? []) {
    const fits = (g: { channel: string; publish: boolean; subscribe: boolean }) =>
      g.channel === want.channel &&
      (want.access === 'subscribe' || g.publish) &&
      (want.access === 'publish' || g.subscribe);
    if (covered(policy.ipc, fits)) continue;
    const opt = covered(policy.optional.ipc, fits);
    if (!opt)
      return { ok: false, reason: `ipc ${want.channel} is not declared in optionalPermissions` };
    labels.add(opt.grant);
  }
  if (requested.process?.spawn && !policy.spawn) {
    if (!policy.optional.spawn)
      return { ok: false, reason: 'process.spawn is not declared in optionalPermissions' };
    labels.add('process.spawn');
  }
  return { ok: true, labels: [...labels] };
}

/** A short plain-words list of what is asked: "read ${downloads}, connect to api.x.com:443". */
export function describeRequest(p: Permissions): string {
  const parts = [
    ...(p.fs ?? []).map((g) => `${g.access === 'write' ? 'change' : 'read'} ${g.path}`),
    ...(p.net ?? []).map((g) => `connect to ${g.host}:${(g.ports ?? DEFAULT_PORTS).join(',')}`),
    ...(p.ipc ?? []).map((g) => `${g.access} on ${g.channel}`),
    ...(p.process?.spawn ? ['start other programs'] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : 'nothing';
}
