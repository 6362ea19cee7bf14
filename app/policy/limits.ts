// Resource limits: the contract's defaults and the conversion to the sandbox plan's units.
import type { ManifestLimits } from './manifest.ts';

/** Contracts §1 defaults, in manifest units. */
export const DEFAULT_LIMITS = {
  memoryMB: 512,
  cpuPercent: 100,
  pids: 64,
  openFiles: 256,
  fileSizeMB: 100,
  timeoutMs: 30_000,
} as const satisfies Required<ManifestLimits>;

/** Limits in the units the sandbox plan uses (bytes, not MB); app/sandbox/plan.ts validates them. */
export interface ResolvedLimits {
  memoryBytes: number;
  cpuPercent: number;
  pids: number;
  openFiles: number;
  fileSizeBytes: number;
  timeoutMs: number;
}

const MB = 1024 * 1024;

/** Fills in the defaults and converts MB (2^20 bytes) to bytes. */
export function resolveLimits(partial: ManifestLimits = {}): ResolvedLimits {
  const l = { ...DEFAULT_LIMITS, ...stripUndefined(partial) };
  return {
    memoryBytes: l.memoryMB * MB,
    cpuPercent: l.cpuPercent,
    pids: l.pids,
    openFiles: l.openFiles,
    fileSizeBytes: l.fileSizeMB * MB,
    timeoutMs: l.timeoutMs,
  };
}

function stripUndefined(l: ManifestLimits): ManifestLimits {
  return Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined));
}
