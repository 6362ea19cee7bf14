// The sandbox's cgroup, made by the host before the helper starts and removed after it ends:
// memory (all the sandbox can pin, summed over its processes: shared memory, memfds, its tmpfs,
// swap included), the CPU rate and the pids limit. The helper only joins it, through the
// descriptors it is handed (`cgroup VERSION FD` in the policy), before the command starts.
//
// cgroup v2 first, where the caller's own group sits in a subtree delegated to it (systemd's
// user delegation): the sandbox's group goes beside it, under the parent that hands memory, pids
// and cpu to its children. Else cgroup v1, where the caller can write the hierarchies (root, on
// our machines): a group in each of pids, cpu and memory, beneath the caller's own there, so that
// whatever bounds the caller bounds the sandbox too. Else none: rlimits, and what the helper
// closes instead (docs/security.md).
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { SandboxLimits } from './plan.ts';
import { processAlive } from '../platform/process-alive.ts';

export type CgroupVersion = 'v1' | 'v2';
/** What went past a limit, as the cgroup counted it: `limit memory|pids|cpu` status lines. */
export type CgroupEvent = 'memory' | 'pids' | 'cpu';

export interface SandboxCgroup {
  version: CgroupVersion;
  /** The groups' folders. */
  groups: string[];
  /** `tasks` (v1) or `cgroup.procs` (v2): the sandbox joins through them. */
  joinFiles: string[];
  /** The same, open for writing, to hand to the helper. */
  joinFds: number[];
  /** What the groups counted once the sandbox has ended: an OOM kill, a refused fork, throttling. */
  events(): CgroupEvent[];
  /** Closes our copies of joinFds, once the helper has its own. */
  closeJoinFds(): void;
  /** Removes the groups, once empty: false while one still holds a process. Never throws. */
  remove(): boolean;
}

/** Where the cgroup file systems are; a test points this at a fake tree. */
export interface CgroupSystem {
  root: string;
  /** This process's /proc/self/cgroup: lines of "ID:CONTROLLERS:PATH". */
  selfCgroup: () => string;
}

const SYSTEM: CgroupSystem = {
  root: '/sys/fs/cgroup',
  selfCgroup: () => readFileSync('/proc/self/cgroup', 'utf8'),
};
const CONTROLLERS = ['pids', 'cpu', 'memory'] as const;
const CPU_PERIOD_US = 100_000; // the kernel's default CFS period: a quota of percent × 1,000 µs
const NAME = /^corral-sandbox-(\d+)-\d+$/;
let made = 0;

/**
 * The groups for one sandbox with these limits (`pids`: the processes it may have, its init
 * included), or null where the caller can make none. Every group is named
 * corral-sandbox-PID-N; empty ones of a host that is gone are removed first.
 */
export function createSandboxCgroup(
  limits: SandboxLimits,
  pids: number,
  system: CgroupSystem = SYSTEM,
): SandboxCgroup | null {
  const own = ownGroups(system);
  const name = `corral-sandbox-${process.pid}-${made++}`;
  const v2 = own.get('') === undefined ? null : v2Parent(system, own.get('')!);
  const quota = Math.floor((limits.cpuPercent * CPU_PERIOD_US) / 100);
  const memory = String(limits.memoryBytes);
  if (v2) {
    const group = attempt(v2, name, {
      'pids.max': String(pids),
      'cpu.max': `${quota} ${CPU_PERIOD_US}`,
      'memory.max': memory,
      // v2 keeps swap apart: the sandbox gets none, so memory.max bounds all it holds.
      'memory.swap.max?': '0',
    });
    if (group) return made2('v2', [group], ['cgroup.procs']);
  }
  const groups: string[] = [];
  const knobs: Record<(typeof CONTROLLERS)[number], Record<string, string>> = {
    pids: { 'pids.max': String(pids) },
    cpu: { 'cpu.cfs_quota_us': String(quota) },
    // Swap included, where the kernel accounts it (memsw); set after the plain limit it bounds.
    memory: { 'memory.limit_in_bytes': memory, 'memory.memsw.limit_in_bytes?': memory },
  };
  for (const controller of CONTROLLERS) {
    const path = own.get(controller);
    const group =
      path === undefined
        ? null
        : attempt(join(system.root, controller, path), name, knobs[controller]);
    if (!group) {
      groups.forEach(removeGroup);
      return null;
    }
    groups.push(group);
  }
  return made2(
    'v1',
    groups,
    groups.map(() => 'tasks'),
  );

  function made2(version: CgroupVersion, dirs: string[], joins: string[]): SandboxCgroup | null {
    const fds: number[] = [];
    try {
      dirs.forEach((dir, i) => fds.push(openSync(join(dir, joins[i]!), 'w')));
    } catch {
      fds.forEach(closeSync);
      dirs.forEach(removeGroup);
      return null;
    }
    return {
      version,
      groups: dirs,
      joinFiles: dirs.map((dir, i) => join(dir, joins[i]!)),
      joinFds: fds,
      events: () => groupEvents(version, dirs),
      closeJoinFds() {
        for (const fd of fds.splice(0)) closeSync(fd);
      },
      remove() {
        this.closeJoinFds();
        return dirs.map(removeGroup).every(Boolean);
      },
    };
  }
}

/** Which cgroup a sandbox of this user would get, found by making a throw-away one. */
export function cgroupSupport(system: CgroupSystem = SYSTEM): CgroupVersion | 'none' {
  const probe = {
    memoryBytes: 1 << 30,
    cpuPercent: 100,
    pids: 1,
    openFiles: 8,
    fileSizeBytes: 1,
    timeoutMs: 1,
  };
  const cgroup = createSandboxCgroup(probe, 1, system);
  cgroup?.remove();
  return cgroup?.version ?? 'none';
}

/** The caller's group per controller ('' for v2) from /proc/self/cgroup. */
function ownGroups(system: CgroupSystem): Map<string, string> {
  const own = new Map<string, string>();
  let text = '';
  try {
    text = system.selfCgroup();
  } catch {
    return own;
  }
  for (const line of text.split('\n')) {
    const [id, controllers, ...path] = line.split(':');
    if (id === undefined || controllers === undefined || path.length === 0) continue;
    for (const controller of controllers.split(',')) own.set(controller, path.join(':'));
  }
  return own;
}

/** v2: the parent of the caller's group, if it hands memory, pids and cpu to its children. */
function v2Parent(system: CgroupSystem, own: string): string | null {
  const mount = existsSync(join(system.root, 'cgroup.controllers'))
    ? system.root
    : join(system.root, 'unified');
  if (own === '/') return null; // at the root of the hierarchy: nothing is delegated to us
  const parent = dirname(join(mount, own));
  try {
    const enabled = readFileSync(join(parent, 'cgroup.subtree_control'), 'utf8').split(/\s+/);
    return CONTROLLERS.every((c) => enabled.includes(c)) ? parent : null;
  } catch {
    return null;
  }
}

/** Makes `parent`/`name` with its knobs (a `?` ends an optional one); null on any failure. */
function attempt(parent: string, name: string, knobs: Record<string, string>): string | null {
  sweep(parent);
  const group = join(parent, name);
  try {
    mkdirSync(group, { mode: 0o700 });
  } catch {
    return null;
  }
  try {
    for (const [knob, value] of Object.entries(knobs)) {
      const optional = knob.endsWith('?');
      const file = join(group, optional ? knob.slice(0, -1) : knob);
      if (optional && !existsSync(file)) continue;
      writeFileSync(file, value);
    }
    return group;
  } catch {
    removeGroup(group);
    return null;
  }
}

/** Removes the empty groups of hosts that were killed: rmdir refuses one holding a process. */
function sweep(parent: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = NAME.exec(name)?.[1];
    if (pid && !processAlive(Number(pid))) removeGroup(join(parent, name));
  }
}

/** Whether the group is gone: false while a process of the sandbox is still in it. */
function removeGroup(group: string): boolean {
  try {
    rmdirSync(group);
    return true;
  } catch (e) {
    return e instanceof Error && 'code' in e && e.code === 'ENOENT';
  }
}

/** The counts after `key` on the lines `key N` of a cgroup file. */
function count(file: string, key: string): number {
  try {
    const line = readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${key} `));
    return Number(line?.slice(key.length + 1) ?? 0);
  } catch {
    return 0;
  }
}

function groupEvents(version: CgroupVersion, groups: string[]): CgroupEvent[] {
  const [pidsGroup, cpuGroup, memoryGroup] =
    version === 'v1' ? groups : [groups[0]!, groups[0]!, groups[0]!];
  const events: CgroupEvent[] = [];
  const oom = version === 'v1' ? 'memory.oom_control' : 'memory.events';
  if (count(join(memoryGroup!, oom), 'oom_kill') > 0) events.push('memory');
  if (count(join(pidsGroup!, 'pids.events'), 'max') > 0) events.push('pids');
  if (count(join(cpuGroup!, 'cpu.stat'), 'nr_throttled') > 0) events.push('cpu');
  return events;
}
