// Resource use of a sandboxed extension: its process and every descendant, read from /proc
// (proc(5)): memory from status, CPU time from stat, open descriptors from fd/. Linux only.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One reading of a process tree's resources. */
export interface ProcessTreeSample {
  /** The root and its live descendants. */
  pids: number[];
  /** Sum of VmRSS (shared pages count once per process, so this over-counts shared memory). */
  rssBytes: number;
  /**
   * User + system CPU time of the live processes, plus what their exited children used once
   * reaped (cutime, cstime), so a short-lived child's work is not lost between samples.
   */
  cpuMs: number;
  /** Open file descriptors of all the processes. */
  openFds: number;
  /** When the sample was taken (performance.now(), ms). */
  atMs: number;
}

// USER_HZ: the unit of /proc/PID/stat times. The kernel fixes it at 100 in its ABI on every
// architecture Node runs on (sysconf(_SC_CLK_TCK), which Node does not expose, returns it).
const CLOCK_TICKS_PER_SECOND = 100;

interface Stat {
  ppid: number;
  cpuTicks: number;
}

/** Parses /proc/PID/stat: fields after the command name, which may itself hold spaces and ')'. */
export function parseProcStat(text: string): Stat | null {
  const close = text.lastIndexOf(')');
  if (close === -1) return null;
  // Field 3 (state) is the first after ") "; proc(5) numbers ppid 4, utime 14 … cstime 17.
  const f = text.slice(close + 2).split(' ');
  const n = (field: number) => Number(f[field - 3]);
  const ppid = n(4);
  const cpuTicks = n(14) + n(15) + n(16) + n(17);
  if (!Number.isFinite(ppid) || !Number.isFinite(cpuTicks)) return null;
  return { ppid, cpuTicks };
}

function readStat(procRoot: string, pid: number): Stat | null {
  try {
    return parseProcStat(readFileSync(join(procRoot, String(pid), 'stat'), 'latin1'));
  } catch {
    return null; // exited since the directory was listed
  }
}

/**
 * Samples `rootPid` and its descendants (found through the ppid links of every /proc/PID/stat).
 * Returns null when the root process no longer exists. Processes that exit while being read are
 * left out of that sample.
 */
export function sampleProcessTree(rootPid: number, procRoot = '/proc'): ProcessTreeSample | null {
  const atMs = performance.now();
  const root = readStat(procRoot, rootPid);
  if (!root) return null;
  const stats = new Map<number, Stat>([[rootPid, root]]);
  const children = new Map<number, number[]>();
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === rootPid) continue;
    const stat = readStat(procRoot, pid);
    if (!stat) continue;
    stats.set(pid, stat);
    const list = children.get(stat.ppid);
    if (list) list.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  const pids: number[] = [];
  for (const queue = [rootPid]; queue.length > 0;) {
    const pid = queue.shift()!;
    pids.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  let rssBytes = 0;
  let ticks = 0;
  let openFds = 0;
  for (const pid of pids) {
    ticks += stats.get(pid)!.cpuTicks;
    rssBytes += residentBytes(procRoot, pid);
    openFds += fdCount(procRoot, pid);
  }
  return {
    pids,
    rssBytes,
    cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND,
    openFds,
    atMs,
  };
}

/** CPU use between two samples of one tree, in percent of one core (200 = two cores busy). */
export function cpuPercent(before: ProcessTreeSample, after: ProcessTreeSample): number {
  const wall = after.atMs - before.atMs;
  if (wall <= 0) return 0;
  return Math.max(0, ((after.cpuMs - before.cpuMs) / wall) * 100);
}

function residentBytes(procRoot: string, pid: number): number {
  try {
    const status = readFileSync(join(procRoot, String(pid), 'status'), 'latin1');
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return m ? Number(m[1]) * 1024 : 0; // a zombie has no VmRSS
  } catch {
    return 0;
  }
}

function fdCount(procRoot: string, pid: number): number {
  try {
    return readdirSync(join(procRoot, String(pid), 'fd')).length;
  } catch {
    return 0; // exited, or another user's process
  }
}
