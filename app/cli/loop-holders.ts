// What still holds this process's event loop, in words: for the line Corral prints when a
// command has ended and something kept the process alive (with CORRAL_DEBUG set), so that the
// leftover can be found from a single run.
import { ChildProcess } from 'node:child_process';
import { Server, Socket } from 'node:net';

/** One short phrase per handle that keeps the loop alive (unref'd ones are left out). */
export function loopHolders(): string[] {
  // Node's own list of handles: undocumented, but the only one that names what they are.
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter(keepsAlive).map(describe);
}

function keepsAlive(h: unknown): boolean {
  const ref = (h as { hasRef?: () => boolean }).hasRef;
  return typeof ref !== 'function' || ref.call(h);
}

function describe(h: unknown): string {
  if (h instanceof ChildProcess) return `child ${h.pid ?? '?'}: ${h.spawnargs.join(' ')}`;
  if (h instanceof Server) return `server ${JSON.stringify(h.address())}`;
  if (h instanceof Socket) {
    const fd = (h as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (h.remoteAddress) return `socket ${h.remoteAddress}:${h.remotePort}`;
    return `stream fd ${fd ?? '?'}${h.readable ? ' (reading)' : ''}`;
  }
  return (h as object)?.constructor?.name ?? typeof h;
}
