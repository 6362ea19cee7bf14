// Runs `corral-sandbox --check` (once per process and helper: a kernel does not change its layers
// while we run) and turns the report into the mode every sandbox of this process uses.
import { spawnSync } from 'node:child_process';
import {
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
 * CapabilityCheckError when the helper gives no usable report (nothing may run then).
 */
export function detectCapabilities(helper: string): DetectedCapabilities {
  const cached = cache.get(helper);
  if (cached) return cached;
  const run = spawnSync(helper, ['--check'], {
    encoding: 'utf8',
    timeout: 10_000,
    env: HELPER_ENV,
  });
  let report: CheckReport;
  try {
    report = checkReportSchema.parse(JSON.parse(run.stdout));
  } catch {
    const why = (run.stderr || run.error?.message || 'no output').trim().split('\n')[0];
    throw new CapabilityCheckError(
      `${helper} --check gave no usable report (${why}); fix: rebuild it with "npm install"`,
    );
  }
  const cgroupLimits = cgroupSupport();
  const detected = { report, cgroupLimits, verdict: assessCapabilities(report, cgroupLimits) };
  cache.set(helper, detected);
  return detected;
}
