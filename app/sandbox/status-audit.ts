// Turns the helper's status lines into audit events and into the one line a person reads when
// a limit stops the command. Only a system call the sandbox refused is a denial (`decision`);
// set-up, limits and lost events carry an outcome (audit event version 2).
import type { AuditEventInput } from '../audit-event/event.ts';
import type { SandboxLimits } from './plan.ts';
import type { HelperStatus } from './status.ts';

// Which audit kind a refused system call belongs to, for filtering the log by what was tried.
const SYSCALL_KIND: Record<string, AuditEventInput['kind']> = {
  socket: 'net',
  mount: 'fs',
  umount2: 'fs',
  pivot_root: 'fs',
  move_mount: 'fs',
  open_tree: 'fs',
  fsopen: 'fs',
  fsmount: 'fs',
  fspick: 'fs',
  mount_setattr: 'fs',
  swapon: 'fs',
  swapoff: 'fs',
  quotactl: 'fs',
  quotactl_fd: 'fs',
  acct: 'fs',
  name_to_handle_at: 'fs',
  open_by_handle_at: 'fs',
};

// Refusals that follow from a manifest field, named in the words of that field.
const DENY_REASON: Record<string, string> = {
  execve: 'seccomp: a second program was refused; process.spawn is not granted',
  execveat: 'seccomp: a second program was refused; process.spawn is not granted',
  memfd_create:
    'seccomp: an anonymous file was refused (only ones sealed against execution, MFD_NOEXEC_SEAL)',
};

/** The audit event for a status line, or null for lines that are not events (exit, unknown). */
export function statusToAudit(
  status: HelperStatus,
  context: { ext: string; target: string },
): AuditEventInput | null {
  const base = { ext: context.ext, target: context.target };
  switch (status.type) {
    case 'layers':
      return {
        ...base,
        layer: 'host',
        kind: 'lifecycle',
        op: 'start',
        outcome: 'ok',
        // "sandbox ready in reduced mode: mode=reduced,landlock=7,...": the mode comes first.
        reason: `sandbox ready${modeOf(status.layers)}: ${status.layers.join(',')}`,
      };
    case 'deny':
      return {
        ...base,
        layer: 'kernel',
        kind: SYSCALL_KIND[status.syscall] ?? 'process',
        op: status.syscall,
        decision: 'deny',
        reason:
          DENY_REASON[status.syscall] ?? `seccomp: the sandbox refused this ${status.syscall} call`,
      };
    case 'lost':
      return {
        ...base,
        layer: 'host',
        kind: 'limit',
        op: 'audit',
        outcome: 'limit',
        reason: `${status.count} kernel denial events were not recorded (too many)`,
      };
    case 'limit':
      return {
        ...base,
        layer: 'host',
        kind: 'limit',
        op: status.limit,
        outcome: status.limit === 'timeout' ? 'timeout' : 'limit',
        reason: `limit hit: ${status.limit}${status.detail ? ' ' + status.detail : ''}`,
      };
    case 'error':
      return {
        ...base,
        layer: 'host',
        kind: 'lifecycle',
        op: 'start',
        outcome: 'failed',
        reason: `sandbox not set up: ${status.reason}`,
      };
    case 'unknown':
      return {
        ...base,
        layer: 'host',
        kind: 'lifecycle',
        op: 'status',
        outcome: 'ok',
        reason: `unrecognised helper status: ${status.line}`,
      };
    case 'exit':
      return null;
  }
}

function modeOf(layers: string[]): string {
  const mode = layers.find((l) => l.startsWith('mode='))?.slice('mode='.length);
  return mode ? ` in ${mode} mode` : '';
}

/** One line naming the limit that stopped the command and the manifest field that sets it. */
export function limitMessage(status: HelperStatus, limits: SandboxLimits): string | null {
  if (status.type !== 'limit') return null;
  switch (status.limit) {
    case 'timeout':
      return `the command ran past its time limit (${limits.timeoutMs} ms) and was stopped; raise limits.timeoutMs to allow longer`;
    case 'cpu':
      return status.detail === 'throttled'
        ? `the command was held to its CPU rate (${limits.cpuPercent}% of one core); raise limits.cpuPercent to let it run faster`
        : `the command used up its CPU budget (${limits.cpuPercent}% of its ${limits.timeoutMs} ms) and was stopped; raise limits.cpuPercent`;
    case 'fsize':
      return `the command tried to write a file larger than ${Math.round(limits.fileSizeBytes / 1048576)} MB and was stopped; raise limits.fileSizeMB`;
    case 'memory':
      return `the command hit its memory limit (${Math.round(limits.memoryBytes / 1048576)} MB) and the kernel stopped a process of it; raise limits.memoryMB`;
    case 'pids':
      return `the command hit its process limit (${limits.pids}) and could not start more; raise limits.pids`;
  }
}
