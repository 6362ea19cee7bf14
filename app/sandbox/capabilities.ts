// What this machine can confine with: the helper's --check report (docs/sandbox-wire-format.md),
// validated, and the sandbox mode it allows. Pure, so every machine `corral doctor` may meet is a
// table test (docs/platforms.md has the same matrix in prose).
import * as z from 'zod';
import type { SandboxMode } from './plan.ts';

const layerSchema = z.object({
  ok: z.boolean(),
  reason: z.string().optional(),
  abi: z.number().int().optional(),
});

export const checkReportSchema = z.object({
  version: z.literal(1),
  arch: z.string(),
  kernel: z.string(),
  layers: z.object({
    user: layerSchema,
    mount: layerSchema,
    pid: layerSchema,
    net: layerSchema,
    ipc: layerSchema,
    uts: layerSchema,
    cgroup: layerSchema,
    landlock: layerSchema,
    seccomp: layerSchema,
    seccompNotify: layerSchema,
    noNewPrivs: layerSchema,
  }),
});

export type CheckReport = z.infer<typeof checkReportSchema>;
export type LayerName = keyof CheckReport['layers'];

/** The sandbox mode the machine allows, or `refused` when not even reduced mode is possible. */
export type CapabilityMode = SandboxMode | 'refused';

/** Reduced mode has no network namespace: Landlock's TCP rules (ABI 4, Linux 6.7) replace it. */
export const REDUCED_MIN_LANDLOCK_ABI = 4;
/** From ABI 6 (Linux 6.12) Landlock scopes signals and abstract sockets; below, seccomp does. */
const SCOPED_LANDLOCK_ABI = 6;

export interface LayerLine {
  layer: LayerName;
  ok: boolean;
  /** What it stops, in a few words. */
  role: string;
  /** The Landlock ABI when present; why it is missing, in plain words, when missing. */
  detail: string;
  /** How to enable it, when missing (the helper's hint). */
  hint?: string;
  /** Which modes need it: every layer for full mode; these and Landlock ABI ≥ 4 for reduced. */
  neededBy: 'full' | 'full and reduced';
}

export interface CapabilityVerdict {
  mode: CapabilityMode;
  /** One sentence for the person: what will happen when an extension runs here. */
  summary: string;
  layers: LayerLine[];
  /** What reduced mode gives up compared with full mode, in plain words (empty otherwise). */
  degradations: string[];
  /** How to get full mode (reduced) or any mode (refused); empty in full mode. */
  remedies: string[];
  /** Which memory accounting is in force, in plain words (the UI contract's memoryLayer). */
  memoryLayer: string;
}

/** Where memory, the CPU rate and pids are held for this user (app/sandbox/cgroup.ts). */
export type CgroupLimits = 'v1' | 'v2' | 'none';

/** The memory layer for each, in the words `corral doctor` prints. */
export const MEMORY_LAYERS: Record<CgroupLimits, string> = {
  v1: 'cgroup v1: all the memory a sandbox can pin is summed over its processes (shared memory, memfds and its tmpfs included, swap included), with a CPU rate and the process limit; the kernel stops a process that goes past',
  v2: 'cgroup v2 (delegated): all the memory a sandbox can pin is summed over its processes (shared memory, memfds and its tmpfs included, no swap), with a CPU rate and the process limit; the kernel stops a process that goes past',
  none: 'no cgroup for this user: memory is limited per process (RLIMIT_DATA), the private tmpfs holds at most the limit, shared anonymous memory, memfds, System V shared memory and message queues are refused; no CPU rate, but a CPU-time budget per process',
};

const ROLES: Record<LayerName, { role: string; reduced: boolean }> = {
  user: { role: 'unprivileged namespaces (setuid-free)', reduced: false },
  mount: { role: 'a private file-system view (only granted paths exist)', reduced: false },
  pid: { role: 'host processes invisible; everything dies with the sandbox', reduced: false },
  net: { role: 'no network but loopback; traffic only through the broker', reduced: false },
  ipc: { role: 'no System V IPC or POSIX queues shared with the host', reduced: false },
  uts: { role: 'a private host name', reduced: false },
  cgroup: { role: 'the host cgroup tree hidden', reduced: false },
  landlock: {
    role: 'kernel access rules on files, TCP ports, signals, abstract sockets',
    reduced: true,
  },
  seccomp: { role: 'dangerous system calls refused', reduced: true },
  seccompNotify: { role: 'refused system calls reported to the audit log', reduced: true },
  noNewPrivs: { role: 'no privilege gain through setuid programs', reduced: true },
};

/** What reduced mode gives up, each in the words a user needs to decide whether that matters. */
const REDUCED_DEGRADATIONS = [
  'Files outside the grants cannot be read, written or listed, but their names, sizes and dates can be looked up one by one (there is no private file-system view).',
  "Programs have no private /tmp: they write to TMPDIR, the run's own temporary folder, which is on the machine's disk (bounded per file by limits.fileSizeMB, not in total).",
  'No direct network access at all: TCP ports stay closed (nothing can listen), UDP and unix sockets are refused, and tools cannot use the HTTP proxy. Extensions reach the network only through Corral (net/fetch).',
  "Other processes' ids can be seen; reading, tracing or signalling them is refused.",
  "Changing a file's mode, owner, times or extended attributes by path is refused (Landlock does not cover these); on an open file it works. Programs that do it fail (git init; an existing repository works).",
  "No System V IPC, POSIX message queues or POSIX shared memory (/dev/shm is the machine's): Python's multiprocessing does not work.",
  "For a user other than root, the process limit counts all of the user's processes, so it is approximate: the command may start about the limit's number more than there are now.",
  'If the helper itself is killed with SIGKILL, a background process the command started can survive (there is no pid namespace to take it down); stopping Corral normally ends everything.',
  "The host name is the machine's own.",
];

/** The mode this report allows, a line per layer, what reduced mode gives up, the memory layer. */
export function assessCapabilities(
  report: CheckReport,
  cgroupLimits: CgroupLimits,
): CapabilityVerdict {
  const landlockAbi = report.layers.landlock.ok ? (report.layers.landlock.abi ?? 0) : 0;
  const layers = (Object.keys(ROLES) as LayerName[]).map((layer): LayerLine => {
    const l = report.layers[layer];
    const { cause, hint } = l.ok ? { cause: '', hint: undefined } : explainMissing(layer, l.reason);
    let detail = cause;
    if (layer === 'landlock' && l.ok) {
      detail = `ABI ${landlockAbi}`;
      if (landlockAbi < REDUCED_MIN_LANDLOCK_ABI) detail += '; reduced mode needs ABI 4 or later';
    }
    return {
      layer,
      ok: l.ok,
      role: ROLES[layer].role,
      detail,
      ...(hint ? { hint } : {}),
      neededBy: ROLES[layer].reduced ? 'full and reduced' : 'full',
    };
  });
  const missing = layers.filter((l) => !l.ok);
  if (missing.length === 0) {
    return {
      mode: 'full',
      summary: 'Every isolation layer is available: extensions run fully sandboxed.',
      layers,
      degradations: [],
      remedies: [],
      memoryLayer: MEMORY_LAYERS[cgroupLimits],
    };
  }
  const tooOld = report.layers.landlock.ok && landlockAbi < REDUCED_MIN_LANDLOCK_ABI;
  const namespaces = missing.filter((l) => l.neededBy === 'full');
  const blockers = [
    ...missing.filter((l) => l.neededBy === 'full and reduced').map((l) => l.layer as string),
    ...(tooOld ? [`landlock ABI ${landlockAbi}`] : []),
  ];
  const landlockTooOld = tooOld
    ? [
        `landlock ABI ${landlockAbi} has no TCP rules: reduced mode needs ABI 4 (Linux 6.7 or later)`,
      ]
    : [];
  if (blockers.length === 0) {
    return {
      mode: 'reduced',
      summary: `Namespaces are not available (${names(namespaces)} missing): extensions run in reduced mode, confined by Landlock ABI ${landlockAbi}, seccomp and resource limits on the machine's own file system, with less isolation than full mode.`,
      layers,
      degradations: [
        ...REDUCED_DEGRADATIONS,
        ...(landlockAbi < SCOPED_LANDLOCK_ABI
          ? [
              `Landlock ABI ${landlockAbi} does not scope signals: seccomp and the helper check each one, and programs cannot choose a process to receive SIGIO (fcntl F_SETOWN).`,
            ]
          : []),
      ],
      remedies: remedies(namespaces),
      memoryLayer: MEMORY_LAYERS[cgroupLimits],
    };
  }
  return {
    mode: 'refused',
    summary: `Nothing can be sandboxed here: ${blockers.join(', ')} ${blockers.length === 1 ? 'is' : 'are'} ${tooOld && blockers.length === 1 ? 'too old' : 'missing'}, so not even reduced mode is possible, and Corral never runs anything with less protection than it promises.`,
    layers,
    degradations: [],
    remedies: [...remedies(missing), ...landlockTooOld],
    memoryLayer: MEMORY_LAYERS[cgroupLimits],
  };
}

function names(lines: LayerLine[]): string {
  return lines.map((l) => l.layer).join(', ');
}

/** What to enable, once per cause: a missing user namespace explains every namespace after it. */
function remedies(missing: LayerLine[]): string[] {
  const user = missing.find((l) => l.layer === 'user');
  const rest = missing.filter((l) => l.neededBy === 'full and reduced' || !user);
  const lines = [...(user ? [user] : []), ...rest].map(
    (l) => `${l.layer}: ${l.detail}${l.hint ? `; ${l.hint}` : ''}`,
  );
  // The namespaces after `user` share one cause (and one sentence) when AppArmor strips them.
  const seen = new Set<string>();
  return lines.filter((line) => {
    const cause = line.slice(line.indexOf(': ') + 2);
    if (seen.has(cause)) return false;
    seen.add(cause);
    return true;
  });
}

/**
 * The helper's reason ("errno text; hint: how to enable it") split into the cause, in plain words
 * for the errors a missing layer typically gives, and the hint.
 */
export function explainMissing(
  layer: LayerName,
  reason: string | undefined,
): { cause: string; hint?: string } {
  const text = reason ?? 'not available';
  const at = text.indexOf('; hint: ');
  const errno = at === -1 ? text : text.slice(0, at);
  const hint = at === -1 ? undefined : text.slice(at + '; hint: '.length);
  const plain =
    layer === 'user' && errno === 'No space left on device'
      ? 'user.max_user_namespaces is 0, or every allowed namespace is in use'
      : layer === 'user' && errno === 'Operation not permitted'
        ? 'unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0) or refused by a security module'
        : hint?.startsWith('AppArmor restricts')
          ? 'the user namespace comes without capabilities: AppArmor restricts unprivileged user namespaces (Ubuntu 23.10 and later)'
          : layer !== 'user' && hint?.startsWith('enable unprivileged user namespaces')
            ? 'needs the user namespace'
            : layer === 'landlock' && errno === 'Operation not supported'
              ? 'the kernel has no Landlock, or it is not in the lsm= boot parameter'
              : null;
  return { cause: plain ? `${plain} (${errno})` : errno, ...(hint ? { hint } : {}) };
}
