// Symlink-safe decisions: a request is decided on the real path it reaches, and grants on the
// real paths of their roots, so a symlink inside a granted folder grants nothing elsewhere.
import { lstat, realpath } from 'node:fs/promises';
import type { CompiledPolicy } from '../policy/compile.ts';
import type { Decider, Decision, PolicyRequest } from '../policy/decide.ts';
import { normalizeAbsolutePath } from '../policy/paths.ts';

export type RealPath = { ok: true; path: string } | { ok: false; reason: string };

/**
 * The real path `path` reaches. For a path that does not exist yet (a file about to be written),
 * the real path of its deepest existing ancestor plus the missing names; a dangling symlink on the
 * way is refused, because writing through it would create its target wherever it points.
 */
export async function realPathOf(path: string): Promise<RealPath> {
  if (!path.startsWith('/') || path.includes('\0'))
    return { ok: false, reason: `${JSON.stringify(path)} is not an absolute path` };
  try {
    return { ok: true, path: normalizeAbsolutePath(await realpath(path)) ?? path };
  } catch (e) {
    if (errno(e) !== 'ENOENT') return { ok: false, reason: `cannot resolve ${path} (${errno(e)})` };
  }
  const names = path.split('/').filter((s) => s !== '' && s !== '.');
  let existing = names.length;
  while (existing > 0 && !(await exists('/' + names.slice(0, existing).join('/')))) existing--;
  const missing = names.slice(existing);
  if (missing.includes('..'))
    return { ok: false, reason: `${path} has ".." after a folder that does not exist` };
  const parent = '/' + names.slice(0, existing).join('/');
  let realParent: string;
  try {
    realParent = await realpath(parent);
  } catch (e) {
    return { ok: false, reason: `${parent} is a dangling symlink or unreadable (${errno(e)})` };
  }
  const full = normalizeAbsolutePath(`${realParent}/${missing.join('/')}`);
  return full === null ? { ok: false, reason: `cannot resolve ${path}` } : { ok: true, path: full };
}

/**
 * A copy of the policy whose fs grant roots are real paths (what the helper mounts and what
 * requests are compared with). A root that cannot be resolved is dropped and reported.
 */
export async function realizePolicy(
  policy: CompiledPolicy,
): Promise<{ policy: CompiledPolicy; dropped: string[] }> {
  const dropped: string[] = [];
  const realize = async (grants: CompiledPolicy['fs']) => {
    const out: CompiledPolicy['fs'] = [];
    for (const g of grants) {
      const r = await realPathOf(g.path);
      if (r.ok) out.push({ ...g, path: r.path });
      else dropped.push(`${g.grant}: ${r.reason}`);
    }
    return out;
  };
  const fs = await realize(policy.fs);
  const optionalFs = await realize(policy.optional.fs);
  return { policy: { ...policy, fs, optional: { ...policy.optional, fs: optionalFs } }, dropped };
}

/**
 * Decides a request on the real path it reaches (fs requests; others pass straight through).
 * `decider` must come from a realized policy. The caller should still open with O_NOFOLLOW and
 * check the opened descriptor (checkOpenedPath) because the tree can change after this answer.
 */
export async function realTargetDecision(
  decider: Decider,
  request: PolicyRequest,
): Promise<Decision> {
  if (request.kind !== 'fs') return decider(request);
  // The raw path goes to realpath: ".." after a symlink must mean what it means to the kernel.
  const real = await realPathOf(request.path);
  if (!real.ok) return { decision: 'deny', reason: real.reason };
  const d = decider({ ...request, path: real.path });
  const lexical = normalizeAbsolutePath(request.path);
  if (real.path !== lexical && d.decision === 'deny')
    return {
      decision: 'deny',
      reason: `${d.reason} (${request.path} resolves to ${real.path} through a symlink or "..")`,
    };
  return d;
}

/**
 * Re-decides on the path an already opened descriptor really refers to (/proc/self/fd on Linux),
 * closing the race between realTargetDecision and the open.
 */
export async function checkOpenedPath(
  decider: Decider,
  fd: number,
  request: PolicyRequest & { kind: 'fs' },
): Promise<Decision> {
  let real: string;
  try {
    real = await realpath(`/proc/self/fd/${fd}`);
  } catch (e) {
    return { decision: 'deny', reason: `cannot verify the opened file (${errno(e)})` };
  }
  return decider({ ...request, path: real });
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

function errno(e: unknown): string {
  return (e as { code?: string }).code ?? 'error';
}
