// Descriptors an extension may hold: fs/open (protocol version 2) hands an extension a descriptor
// of a file the host decided it may read. One opened by the host would carry the host's write
// access to the file's metadata (fchmod, fchown, f*xattr, futimens need no write mode, only
// ownership), so the file is opened again by the fd-passing addon's opener, a process whose
// copy of the mounts is read-only: through its descriptors all of those fail with EROFS.
import { closeSync, fstatSync } from 'node:fs';
import { fdPassing } from './fd-passing.ts';
import { logEntry } from './log.ts';

/** The opener cannot start or answer here; the message names the step and the kernel's error. */
export class ReadOnlyOpenerError extends Error {
  override name = 'ReadOnlyOpenerError';
}

let socket: number | null = null;

function opener(): number {
  if (socket !== null) return socket;
  try {
    socket = fdPassing().startReadOnlyOpener();
  } catch (e) {
    throw new ReadOnlyOpenerError(
      `read-only descriptors are not available: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return socket;
}

let told = false;

/**
 * Null when read-only descriptors can be made here, else why not (one line, also logged once: the
 * runs are then offered protocol version 1 only).
 */
export function readOnlyOpenerProblem(): string | null {
  try {
    opener();
    return null;
  } catch (e) {
    const problem = e instanceof Error ? e.message : String(e);
    if (!told) {
      told = true;
      logEntry({
        level: 'warn',
        component: 'read-only-opener',
        context: 'extensions are offered protocol version 1 only (no fs/open)',
        error: problem,
      });
    }
    return problem;
  }
}

/**
 * A read-only descriptor of `realPath` on a read-only mount, which must be the very file `same`
 * (an open descriptor the caller decided on): the same device and inode, or it throws. The
 * opener's view of the mounts is the one it started with, so a mismatch starts it once afresh.
 */
export function openReadOnly(realPath: string, same: number): number {
  const want = fstatSync(same);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = fdPassing().openReadOnly(opener(), realPath);
    } catch (e) {
      const code = (e as { code?: string }).code;
      // The opener is gone or hung: one fresh start, then the error stands.
      if (attempt === 0 && (code === 'EPIPE' || code === 'ETIMEDOUT' || code === 'ECONNRESET')) {
        restart();
        continue;
      }
      throw e;
    }
    const got = fstatSync(fd);
    if (got.dev === want.dev && got.ino === want.ino) return fd;
    closeSync(fd);
    if (attempt > 0) {
      throw Object.assign(new Error(`${realPath} changed while it was opened`), {
        code: 'ESTALE',
      });
    }
    restart(); // a mount added since the opener started is not in its copy
  }
}

function restart(): void {
  if (socket !== null) closeSync(socket); // the opener ends when its socket closes
  socket = null;
}
