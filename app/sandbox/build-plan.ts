// Turns a compiled policy and a resolved command into the sandbox plan the helper enforces:
// grants become binds at their real paths (in reduced mode, Landlock rules on those same paths),
// the system view is added read-only, and execution is limited to the command's own start-up
// unless the policy grants `process.spawn`.
import { realpathSync, statSync } from 'node:fs';
import type { SandboxGrants } from '../policy/compile.ts';
import { isWithin } from '../policy/paths.ts';
import { sandboxPlanSchema, type SandboxMode, type SandboxPlan } from './plan.ts';
import { systemView } from './system-paths.ts';
import { SANDBOX_PATH, type ResolvedCommand } from './command.ts';

/** A private, empty tmpfs at /tmp, so programs that write /tmp directly keep working. */
export const SANDBOX_TMP = '/tmp';

/** A plan that cannot be made as asked; the message is one line for a person. */
export class PlanError extends Error {}

export interface PlanRequest {
  /** What this machine allows (detect-capabilities.ts); full when not given. */
  mode?: SandboxMode;
  /** The sandbox's share of the compiled policy, with real paths (app/policy/compile.ts). */
  grants: SandboxGrants;
  command: ResolvedCommand;
  /** The caller's working folder; kept when a grant covers it. */
  cwd: string;
  home: string;
  /** The run's private temporary folder on the host (${tmp}); TMPDIR points there. */
  tmp: string;
  /**
   * Other folders that are the run's own scratch, like ${tmp} (corral exec's ${extensionData}).
   * In full mode these and ${tmp} are folders of the sandbox's one tmpfs, capped at its memory
   * limit, instead of the host's disk; in reduced mode, write grants.
   */
  scratch?: string[];
  /** Extra folders the runtime itself needs read-only (e.g. the extension's package). */
  runtimeReadOnly?: string[];
  keepFds?: number[];
  /** Variables passed on top of the clean base environment. */
  env?: Record<string, string>;
  /**
   * 'pty' when the caller relays the command's stdio through a pseudo-terminal of its own;
   * otherwise the caller's terminal, if stdio is one, is protected (plan.ts).
   */
  terminal?: 'caller' | 'pty';
  /** 127.0.0.1:port inside the sandbox, the host proxy's listening socket (full mode). */
  proxyListener?: { port: number };
}

export function buildPlan(req: PlanRequest): SandboxPlan {
  const mode = req.mode ?? 'full';
  const system = systemView();
  const mounts = new Map<string, 'ro' | 'rw'>();
  for (const m of system.mounts) mounts.set(m.path, 'ro');
  for (const dir of req.runtimeReadOnly ?? []) addMount(mounts, realpathSync(dir), 'ro');
  for (const m of req.grants.mounts) addMount(mounts, grantable(m.path), m.access);
  // ${tmp} is always granted (contracts section 1); rw here, so that exec paths leave it out.
  const scratch = [req.tmp, ...(req.scratch ?? [])];
  for (const path of scratch) addMount(mounts, path, 'rw');
  if (!isCovered(mounts, req.command.path)) addMount(mounts, req.command.path, 'ro');
  if (mode === 'reduced' && req.proxyListener) {
    throw new PlanError(
      'the proxy needs a network namespace of the sandbox, which this machine does not offer (reduced mode); fix: see "corral doctor"',
    );
  }

  const execPaths = req.grants.spawn
    ? spawnExecPaths(mounts, req.command)
    : req.command.startupExecutables;
  // Full mode: the run's scratch lives in the sandbox's memory, not on the host's disk.
  const inMemory = mode === 'full' ? scratch : [];
  return sandboxPlanSchema.parse({
    mode,
    mounts: [...mounts]
      .filter(([path]) => !inMemory.some((dir) => isWithin(path, dir)))
      .map(([path, access]) => ({ path, access })),
    // Reduced mode sees the host's own links; it has no root of its own to make them in.
    symlinks: mode === 'full' ? system.symlinks : [],
    execPaths,
    spawn: req.grants.spawn,
    ...(req.terminal === 'pty' ? { terminal: 'pty' as const } : {}),
    // Reduced mode has no private /tmp: programs use TMPDIR, the run's own ${tmp}.
    tmpfs: mode === 'full' ? [SANDBOX_TMP, ...inMemory] : [],
    // Both are granted host paths in either mode: the caller's when a grant covers them.
    cwd: isCovered(mounts, req.cwd) ? req.cwd : req.tmp,
    env: {
      PATH: SANDBOX_PATH,
      HOME: isCovered(mounts, req.home) ? req.home : req.tmp,
      TMPDIR: req.tmp,
      LANG: 'C.UTF-8',
      CORRAL_SANDBOX: '1',
      ...req.env,
    },
    keepFds: req.keepFds ?? [],
    ...(req.proxyListener ? { proxyListener: req.proxyListener } : {}),
    limits: req.grants.limits,
  } satisfies SandboxPlan);
}

/** A grant's path, or PlanError when it is the root or the sandbox's own /proc or /dev. */
function grantable(path: string): string {
  const own = ['/proc', '/dev'].find((dir) => isWithin(path, dir));
  if (path !== '/' && !own) return path;
  const why =
    path === '/'
      ? 'it would replace the whole file system of the sandbox'
      : `${own} is the sandbox's own`;
  throw new PlanError(
    `a grant of ${path} cannot be made: ${why}; fix: grant a folder below it in permissions.fs, or give --workspace a project folder`,
  );
}

/** Records a bind unless an equal or wider bind with at least the same access already covers it. */
function addMount(mounts: Map<string, 'ro' | 'rw'>, path: string, access: 'ro' | 'rw'): void {
  for (const [existing, existingAccess] of mounts) {
    if (isWithin(path, existing) && (existingAccess === 'rw' || access === 'ro')) return;
  }
  // A wider grant replaces narrower ones of no greater access beneath it.
  for (const [existing, existingAccess] of [...mounts]) {
    if (
      existing !== path &&
      isWithin(existing, path) &&
      (access === 'rw' || existingAccess === 'ro')
    ) {
      mounts.delete(existing);
    }
  }
  mounts.set(path, access);
}

function isCovered(mounts: Map<string, 'ro' | 'rw'>, path: string): boolean {
  for (const existing of mounts.keys()) if (isWithin(path, existing)) return true;
  return false;
}

/**
 * With spawn granted, children may run what the read-only folders hold, never what the extension
 * could write itself (a writable + executable place is arbitrary code). Landlock rights cover a
 * whole subtree, so a read-only folder with a writable folder inside it is left out entirely.
 */
function spawnExecPaths(mounts: Map<string, 'ro' | 'rw'>, command: ResolvedCommand): string[] {
  const writable = [...mounts].filter(([, access]) => access === 'rw').map(([path]) => path);
  const dirs = [...mounts]
    .filter(([path, access]) => access === 'ro' && isDirectory(path))
    .map(([path]) => path)
    .filter((dir) => !writable.some((w) => isWithin(w, dir)));
  const extra = command.startupExecutables.filter((exe) => !dirs.some((d) => isWithin(exe, d)));
  return [...dirs, ...extra];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
