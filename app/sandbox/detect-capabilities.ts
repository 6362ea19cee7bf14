// Runs `corral-sandbox --check` and turns the report into the mode every sandbox of this process
// uses: once per process and helper (a kernel does not change its layers while we run), and across
// processes only for a full verdict, which can be stale only towards refusing (see below).
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  MEMORY_LAYERS,
  assessCapabilities,
  checkReportSchema,
  type CapabilityVerdict,
  type CgroupLimits,
  type CheckReport,
} from './capabilities.ts';
import { cgroupSupport } from './cgroup.ts';
import { HELPER_ENV } from './helper-path.ts';

export interface DetectedCapabilities {
  report: CheckReport;
  /** Where a sandbox's memory, CPU rate and pids would be held for this user. */
  cgroupLimits: CgroupLimits;
  verdict: CapabilityVerdict;
}

/** The helper's --check could not be run or read; `message` is one line for a person. */
export class CapabilityCheckError extends Error {}

const cache = new Map<string, DetectedCapabilities>();

/**
 * The report and verdict for `helper` on this machine, as the current user. Throws
 * CapabilityCheckError when the helper gives no usable report (nothing may run then). `fresh`
 * (corral doctor) asks the helper even when a full verdict is remembered from an earlier run.
 */
export function detectCapabilities(
  helper: string,
  o: { fresh?: boolean; remembered?: string | null } = {},
): DetectedCapabilities {
  const cached = o.fresh ? undefined : cache.get(helper);
  if (cached) return cached;
  const file = o.remembered !== undefined ? o.remembered : rememberedFile();
  const key = file === null ? null : helperKey(helper);
  const kept = o.fresh || key === null ? null : recall(file!, key);
  const report = kept ?? check(helper);
  const detected = describe(report);
  if (!kept && key !== null && detected.verdict.mode === 'full') remember(file!, key, report);
  cache.set(helper, detected);
  return detected;
}

/**
 * Forgets what was remembered about `helper`, in this process and on disk: called when a sandbox
 * could not be set up, so that the next start asks the helper again.
 */
export function forgetCapabilities(
  helper: string,
  remembered: string | null = rememberedFile(),
): void {
  cache.delete(helper);
  if (remembered === null) return;
  try {
    writeFileSync(remembered, '', { mode: 0o600 });
  } catch {
    // Nothing was remembered, or the folder is gone: the next start asks the helper either way.
  }
}

function check(helper: string): CheckReport {
  const run = spawnSync(helper, ['--check'], {
    encoding: 'utf8',
    timeout: 10_000,
    env: HELPER_ENV,
  });
  try {
    return checkReportSchema.parse(JSON.parse(run.stdout));
  } catch {
    const why = (run.stderr || run.error?.message || 'no output').trim().split('\n')[0];
    throw new CapabilityCheckError(
      `${helper} --check gave no usable report (${why}); fix: rebuild it with "npm install"`,
    );
  }
}

/**
 * The verdict; the memory layer is found by making a throw-away cgroup, so only when someone
 * reads it (corral doctor, the dashboard), never on a sandbox's start.
 */
function describe(report: CheckReport): DetectedCapabilities {
  let limits: CgroupLimits | undefined;
  const cgroupLimits = () => (limits ??= cgroupSupport());
  const verdict = assessCapabilities(report, 'none');
  Object.defineProperty(verdict, 'memoryLayer', {
    get: () => MEMORY_LAYERS[cgroupLimits()],
    enumerable: true,
  });
  return {
    report,
    get cgroupLimits() {
      return cgroupLimits();
    },
    verdict,
  };
}

// Remembering a verdict across runs saves `corral exec` a --check (a fork and a set of namespaces)
// on every start. Only a full verdict is kept: every layer present. If one goes away afterwards
// (a sysctl, a new kernel), the helper still applies each layer and refuses when one fails (exit
// 125, nothing runs), and that failure makes us forget; a reduced or refused verdict is never
// kept, so a machine that gains a layer gets it at the next start. The key names the helper's
// file (a rebuilt helper is asked again), the user, this boot of the kernel, the user namespace
// we run in and the sysctls that switch user namespaces off.

/**
 * The file of remembered verdicts, $XDG_CACHE_HOME/corral/capabilities.json: used only in a folder
 * of this user that nobody else may write (else none, and the helper is asked every time).
 */
function rememberedFile(): string | null {
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'corral');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o022) !== 0) return null;
  } catch {
    return null;
  }
  return join(dir, 'capabilities.json');
}

/** What the layers depend on that can change without a reboot: who we are and the sysctls. */
const CONTEXT = [
  '/proc/sys/user/max_user_namespaces',
  '/proc/sys/kernel/unprivileged_userns_clone', // Debian's switch
  '/proc/sys/kernel/apparmor_restrict_unprivileged_userns', // Ubuntu 23.10 and later
];

function helperKey(helper: string): string | null {
  try {
    const s = statSync(helper);
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const context = CONTEXT.map((file) => {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch {
        return '-'; // this kernel has no such switch
      }
    });
    // The user namespace we run in (a container, `unshare -U`) has its own limits.
    const userns = readlinkSync('/proc/self/ns/user');
    return [helper, s.dev, s.ino, s.size, s.mtimeMs, s.ctimeMs, process.getuid?.(), boot, userns]
      .concat(context)
      .join(' ');
  } catch {
    return null;
  }
}

function recall(file: string, key: string): CheckReport | null {
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown; report?: unknown };
    if (kept.key !== key) return null;
    const report = checkReportSchema.parse(kept.report);
    // Anything but a full verdict is asked again (see above), whoever wrote the file.
    return assessCapabilities(report, 'none').mode === 'full' ? report : null;
  } catch {
    return null;
  }
}

function remember(file: string, key: string, report: CheckReport): void {
  const temp = `${file}.${process.pid}`;
  try {
    writeFileSync(temp, JSON.stringify({ key, report }), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // Not remembered: the next start asks the helper again, which is only slower.
  }
}
