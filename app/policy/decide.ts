// The decision engine: one request (fs, net, ipc, spawn) against a compiled policy → allow, deny
// or prompt, with the grant that decided (the audit event's `reason`). Grants are indexed once
// (compileDecider), so a decision is a few map look-ups.
import type { CompiledGrants, CompiledPolicy } from './compile.ts';
import { canonicalHost } from './host-names.ts';
import { normalizeAbsolutePath } from './paths.ts';

export type FsOp = 'read' | 'write' | 'list' | 'stat';

export type PolicyRequest =
  | { kind: 'fs'; op: FsOp; path: string }
  | { kind: 'net'; host: string; port: number }
  | { kind: 'ipc'; channel: string; direction: 'publish' | 'subscribe' }
  | { kind: 'process'; op: 'spawn' };

export interface Decision {
  decision: 'allow' | 'deny' | 'prompt';
  /** "grant fs[0]", "optional net[1]", "no grant covers /x", … */
  reason: string;
}

export type Decider = (request: PolicyRequest) => Decision;

/** One grant's label with its two possible answers, built once so a decision allocates nothing. */
interface Grant {
  label: string;
  allow: Decision;
  prompt: Decision;
}

interface FsEntry {
  read?: Grant;
  write?: Grant;
}

interface GrantIndex {
  fs: Map<string, FsEntry>;
  exactHosts: Map<string, Map<number, Grant>>;
  wildcardHosts: Map<string, Map<number, Grant>>;
  ipc: Map<string, { publish?: Grant; subscribe?: Grant }>;
  spawn: boolean;
}

function grantOf(label: string): Grant {
  return {
    label,
    allow: Object.freeze({ decision: 'allow', reason: `grant ${label}` }),
    prompt: Object.freeze({ decision: 'prompt', reason: `optional ${label}` }),
  };
}

const cache = new WeakMap<CompiledPolicy, Decider>();

/** Decides one request; the policy's index is built on first use and kept. */
export function decide(policy: CompiledPolicy, request: PolicyRequest): Decision {
  let decider = cache.get(policy);
  if (!decider) {
    decider = compileDecider(policy);
    cache.set(policy, decider);
  }
  return decider(request);
}

/** Indexes a policy's grants once and returns the function that decides requests against it. */
export function compileDecider(policy: CompiledPolicy): Decider {
  const required = indexGrants(policy);
  const optional = indexGrants(policy.optional);
  return (request) => {
    switch (request.kind) {
      case 'fs':
        return decideFs(required, optional, request.op, request.path);
      case 'net':
        return decideNet(required, optional, request.host, request.port);
      case 'ipc':
        return decideIpc(required, optional, request.channel, request.direction);
      case 'process':
        if (required.spawn) return { decision: 'allow', reason: 'grant process.spawn' };
        if (optional.spawn) return { decision: 'prompt', reason: 'optional process.spawn' };
        return { decision: 'deny', reason: 'process.spawn is not granted' };
      default:
        return { decision: 'deny', reason: 'unknown request kind' };
    }
  };
}

function indexGrants(g: CompiledGrants): GrantIndex {
  const fs = new Map<string, FsEntry>();
  for (const grant of g.fs) {
    const entry = fs.get(grant.path) ?? {};
    const g = grantOf(grant.grant);
    entry.read ??= g;
    if (grant.access === 'write') entry.write ??= g;
    fs.set(grant.path, entry);
  }
  const exactHosts = new Map<string, Map<number, Grant>>();
  const wildcardHosts = new Map<string, Map<number, Grant>>();
  for (const grant of g.net) {
    const table = grant.wildcard ? wildcardHosts : exactHosts;
    const ports = table.get(grant.host) ?? new Map<number, Grant>();
    const labelled = grantOf(grant.grant);
    for (const port of grant.ports) if (!ports.has(port)) ports.set(port, labelled);
    table.set(grant.host, ports);
  }
  const ipc = new Map<string, { publish?: Grant; subscribe?: Grant }>();
  for (const grant of g.ipc) {
    const entry = ipc.get(grant.channel) ?? {};
    const labelled = grantOf(grant.grant);
    if (grant.publish) entry.publish ??= labelled;
    if (grant.subscribe) entry.subscribe ??= labelled;
    ipc.set(grant.channel, entry);
  }
  return { fs, exactHosts, wildcardHosts, ipc, spawn: g.spawn };
}

/** The deepest grant at or above `path` that allows `write` (or any access), or undefined. */
function fsGrantFor(
  index: GrantIndex,
  path: string,
  write: boolean,
): { allow?: Grant; readOnly?: Grant } {
  let readOnly: Grant | undefined;
  let p = path;
  for (;;) {
    const entry = index.fs.get(p);
    if (entry) {
      const label = write ? entry.write : entry.read;
      if (label) return { allow: label };
      readOnly ??= entry.read;
    }
    if (p === '/') return readOnly ? { readOnly } : {};
    const i = p.lastIndexOf('/');
    p = i === 0 ? '/' : p.slice(0, i);
  }
}

function decideFs(required: GrantIndex, optional: GrantIndex, op: FsOp, rawPath: string): Decision {
  if (typeof rawPath !== 'string') return { decision: 'deny', reason: 'the path is not a string' };
  const path = normalizeAbsolutePath(rawPath);
  if (path === null)
    return {
      decision: 'deny',
      reason: `${JSON.stringify(rawPath)} is not an absolute path without ".."`,
    };
  const write = op === 'write';
  if (!write && op !== 'read' && op !== 'list' && op !== 'stat')
    return { decision: 'deny', reason: `unknown fs operation ${JSON.stringify(op)}` };
  const r = fsGrantFor(required, path, write);
  if (r.allow) return r.allow.allow;
  const o = fsGrantFor(optional, path, write);
  if (o.allow) return o.allow.prompt;
  if (r.readOnly)
    return {
      decision: 'deny',
      reason: `no grant allows writing ${path} (${r.readOnly.label} is read-only)`,
    };
  return { decision: 'deny', reason: `no grant covers ${path}` };
}

function netGrantFor(
  index: GrantIndex,
  host: string,
  isName: boolean,
  port: number,
): Grant | undefined {
  const exact = index.exactHosts.get(host)?.get(port);
  if (exact !== undefined || !isName || index.wildcardHosts.size === 0) return exact;
  // Proper suffixes only, longest first: "*.github.com" matches "a.github.com", never "github.com".
  for (let i = host.indexOf('.'); i !== -1; i = host.indexOf('.', i + 1)) {
    const label = index.wildcardHosts.get(host.slice(i + 1))?.get(port);
    if (label !== undefined) return label;
  }
  return undefined;
}

function decideNet(
  required: GrantIndex,
  optional: GrantIndex,
  rawHost: string,
  port: number,
): Decision {
  const canonical = typeof rawHost === 'string' ? canonicalHost(rawHost) : null;
  if (canonical === null)
    return {
      decision: 'deny',
      reason: `${JSON.stringify(rawHost)} is not a host name or IP address`,
    };
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return { decision: 'deny', reason: `${port} is not a TCP port` };
  const isName = canonical.kind === 'name';
  const r = netGrantFor(required, canonical.host, isName, port);
  if (r !== undefined) return r.allow;
  const o = netGrantFor(optional, canonical.host, isName, port);
  if (o !== undefined) return o.prompt;
  const shown = canonical.kind === 'ipv6' ? `[${canonical.host}]` : canonical.host;
  return { decision: 'deny', reason: `no grant covers ${shown}:${port}` };
}

function decideIpc(
  required: GrantIndex,
  optional: GrantIndex,
  channel: string,
  direction: 'publish' | 'subscribe',
): Decision {
  if (direction !== 'publish' && direction !== 'subscribe')
    return { decision: 'deny', reason: `unknown ipc direction ${JSON.stringify(direction)}` };
  const r = required.ipc.get(channel)?.[direction];
  if (r !== undefined) return r.allow;
  const o = optional.ipc.get(channel)?.[direction];
  if (o !== undefined) return o.prompt;
  return { decision: 'deny', reason: `no grant covers ${direction} on ${JSON.stringify(channel)}` };
}
