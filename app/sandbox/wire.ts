// Serialises a sandbox plan into the helper's line format (docs/sandbox-wire-format.md).
// Pure: the caller validated the plan; this only orders and prints it.
import type { SandboxPlan } from './plan.ts';

export const WIRE_MAGIC = 'corral-sandbox-policy 1';

/** Descriptors of the helper's own that the policy names (the launcher chooses their numbers). */
export interface PolicyDescriptors {
  /** The unix socket the proxy's listening socket is sent on (plans with a proxyListener). */
  proxyListener?: number;
  /** The cgroup the sandbox joins (app/sandbox/cgroup.ts): its version and join files. */
  cgroup?: { version: 'v1' | 'v2'; fds: number[] };
}

/** The policy text the helper reads from its --policy-fd, ending with "end". */
export function renderPolicy(plan: SandboxPlan, fds: PolicyDescriptors = {}): string {
  const lines = [WIRE_MAGIC, `mode ${plan.mode}`]; // the helper wants the mode first
  // The helper mounts in the order given, so parents come before children, and a tmpfs comes
  // before the binds beneath it (a later tmpfs would hide them).
  const mounts = [
    ...plan.tmpfs.map((path) => ({ path, line: `tmpfs ${path}`, rank: 0 })),
    ...plan.mounts.map((m) => ({ path: m.path, line: `${m.access} ${m.path}`, rank: 1 })),
  ].sort((a, b) => depth(a.path) - depth(b.path) || a.rank - b.rank);
  for (const m of mounts) lines.push(m.line);
  for (const s of plan.symlinks) lines.push(`symlink ${s.path} ${s.target}`);
  for (const e of plan.execPaths) lines.push(`exec ${e}`);
  lines.push(`spawn ${plan.spawn ? 'yes' : 'no'}`);
  if (plan.terminal === 'pty') lines.push('terminal pty');
  lines.push(`cwd ${plan.cwd}`);
  for (const [k, v] of Object.entries(plan.env)) lines.push(`env ${k}=${v}`);
  for (const fd of plan.keepFds) lines.push(`keep-fd ${fd}`);
  for (const fd of fds.cgroup?.fds ?? []) lines.push(`cgroup ${fds.cgroup!.version} ${fd}`);
  if (plan.proxyListener) {
    if (fds.proxyListener === undefined)
      throw new Error('renderPolicy: a proxyListener needs the descriptor it is sent on');
    lines.push(`proxy-listen ${plan.proxyListener.port} ${fds.proxyListener}`);
  }
  const l = plan.limits;
  lines.push(
    `limit memory ${l.memoryBytes}`,
    `limit cpu ${l.cpuPercent}`,
    `limit pids ${l.pids}`,
    `limit nofile ${l.openFiles}`,
    `limit fsize ${l.fileSizeBytes}`,
    `limit timeout-ms ${l.timeoutMs}`,
  );
  lines.push('end');
  return lines.join('\n') + '\n';
}

function depth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}
