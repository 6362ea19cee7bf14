// Turns a compiled policy and a resolved command into the sandbox plan the helper enforces:
// grants become binds at their real paths, the system view is added read-only, and execution
// is limited to the command's own start-up unless the policy grants `process.spawn`.
import { realpathSync, statSync } from 'node:fs';
import { sandboxPlanSchema, type SandboxLimits, type SandboxPlan } from './plan.ts';
import { systemView } from './system-paths.ts';
import { SANDBOX_PATH, type ResolvedCommand } from './command.ts';

/** The private temporary folder every sandbox gets: a fresh tmpfs, which is what `${tmp}` means. */
export const SANDBOX_TMP = '/tmp';

export interface FsGrant {
  /** Expanded, absolute path. */
  path: string;
  access: 'read' | 'write';
  /** Which grant this is, for audit reasons ("fs[0]"). */
  grant: string;
}

export interface PlanRequest {
  fs: FsGrant[];
  spawn: boolean;
  limits: SandboxLimits;
  command: ResolvedCommand;
  /** The caller's working folder; kept when a grant covers it. */
  cwd: string;
  home: string;
  /** Extra folders the runtime itself needs read-only (e.g. the extension's package). */
  runtimeReadOnly?: string[];
  keepFds?: number[];
  /** Variables passed on top of the clean base environment. */
  env?: Record<string, string>;
}

/** A grant that could not be bound, and why: the launcher audits these. */
export interface SkippedGrant {
  grant: string;
  path: string;
  reason: string;
}

export interface BuiltPlan {
  plan: SandboxPlan;
  skipped: SkippedGrant[];
}

export function buildPlan(req: PlanRequest): BuiltPlan {
  const system = systemView();
  const mounts = new Map<string, 'ro' | 'rw'>();
  for (const m of system.mounts) mounts.set(m.path, 'ro');
  const skipped: SkippedGrant[] = [];

  for (const dir of req.runtimeReadOnly ?? []) addMount(mounts, realpathSync(dir), 'ro');
  for (const g of req.fs) {
    if (isBeneath(g.path, SANDBOX_TMP)) continue; // ${tmp}: the private tmpfs already is that grant
    let real: string;
    try {
      // Bound at its real path: a symlinked grant must not be redirected later (the helper also
      // refuses any path with a symlink in it).
      real = realpathSync(g.path);
    } catch {
      skipped.push({ grant: g.grant, path: g.path, reason: 'does not exist on this machine' });
      continue;
    }
    addMount(mounts, real, g.access === 'write' ? 'rw' : 'ro');
  }
  if (!isCovered(mounts, req.command.path)) addMount(mounts, req.command.path, 'ro');

  const execPaths = req.spawn
    ? spawnExecPaths(mounts, req.command)
    : req.command.startupExecutables;
  const plan = sandboxPlanSchema.parse({
    mode: 'full',
    mounts: [...mounts].map(([path, access]) => ({ path, access })),
    symlinks: system.symlinks,
    execPaths,
    tmpfs: [SANDBOX_TMP],
    cwd: isCovered(mounts, req.cwd) ? req.cwd : SANDBOX_TMP,
    env: {
      PATH: SANDBOX_PATH,
      HOME: isCovered(mounts, req.home) ? req.home : SANDBOX_TMP,
      TMPDIR: SANDBOX_TMP,
      LANG: 'C.UTF-8',
      CORRAL_SANDBOX: '1',
      ...req.env,
    },
    tcpConnectPorts: [],
    tcpBindPorts: [],
    keepFds: req.keepFds ?? [],
    limits: req.limits,
  } satisfies SandboxPlan);
  return { plan, skipped };
}

/** Records a bind unless an equal or wider bind with at least the same access already covers it. */
function addMount(mounts: Map<string, 'ro' | 'rw'>, path: string, access: 'ro' | 'rw'): void {
  for (const [existing, existingAccess] of mounts) {
    if (isBeneath(path, existing) && (existingAccess === 'rw' || access === 'ro')) return;
  }
  // A wider grant replaces narrower ones of no greater access beneath it.
  for (const [existing, existingAccess] of [...mounts]) {
    if (
      existing !== path &&
      isBeneath(existing, path) &&
      (access === 'rw' || existingAccess === 'ro')
    ) {
      mounts.delete(existing);
    }
  }
  mounts.set(path, access);
}

function isCovered(mounts: Map<string, 'ro' | 'rw'>, path: string): boolean {
  for (const existing of mounts.keys()) if (isBeneath(path, existing)) return true;
  return isBeneath(path, SANDBOX_TMP);
}

/**
 * With spawn granted, children may run what the read-only system and package folders hold, never
 * what the extension could write itself (a writable + executable place is arbitrary code).
 */
function spawnExecPaths(mounts: Map<string, 'ro' | 'rw'>, command: ResolvedCommand): string[] {
  const dirs = [...mounts]
    .filter(([path, access]) => access === 'ro' && isDirectory(path))
    .map(([path]) => path);
  const extra = command.startupExecutables.filter((exe) => !dirs.some((d) => isBeneath(exe, d)));
  return [...dirs, ...extra];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** True when `path` is `root` or lies inside it (both absolute and normalised). */
export function isBeneath(path: string, root: string): boolean {
  return root === '/' || path === root || path.startsWith(root + '/');
}
