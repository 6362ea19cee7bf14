// Open descriptors across a unix socket (SCM_RIGHTS), which Node cannot pass by itself, through
// the small N-API addon in native/fd-passing: the sandbox helper hands the host its proxy's
// listening socket this way, and protocol v2's fs/open can hand read-only files to extensions.
import { createRequire } from 'node:module';
import { findInstalled } from './installed-file.ts';

/** One message read from a socket: its bytes and the descriptors that came with them. */
export interface ReceivedFds {
  /** Empty (and no fds) at the end of the stream. */
  data: Buffer;
  /** Close-on-exec, and the caller's to close. */
  fds: number[];
}

/** The addon's calls; they throw errors whose `code` is the errno name. */
export interface FdPassing {
  /** A connected AF_UNIX stream pair, both ends close-on-exec. */
  socketPair(): [number, number];
  /** Sends `data` (1 to 65,536 bytes) with up to 16 descriptors; returns the bytes sent. */
  sendFds(socket: number, fds: readonly number[], data: Buffer): number;
  /** One message of at most `maxBytes` with at most `maxFds` descriptors; EAGAIN when none. */
  recvFds(socket: number, maxFds: number, maxBytes: number): ReceivedFds;
  /**
   * Starts an opener process that sees the host's mounts read-only (a user and mount namespace
   * of its own); returns the socket to it. Blocks until it is ready (at most 5 s).
   */
  startReadOnlyOpener(): number;
  /**
   * A read-only descriptor of `path` opened by that process (close-on-exec; O_NOFOLLOW): it sits
   * on a read-only mount, so fchmod, fchown, f*xattr and futimens through it fail with EROFS.
   * Blocks until the opener answers (at most 5 s).
   */
  openReadOnly(opener: number, path: string): number;
}

/** The addon is not built or does not load; the message says how to fix it. */
export class FdPassingError extends Error {}

let addon: FdPassing | null = null;

/** Where the addon is: beside the bundled CLI (dist/), or its build in a checkout; null if neither. */
export function fdPassingPath(): string | null {
  return findInstalled('fd-passing.node', ['native/fd-passing/build/Release/fd_passing.node']);
}

/** The addon, loaded once. */
export function fdPassing(): FdPassing {
  if (addon) return addon;
  const found = fdPassingPath();
  if (!found) {
    throw new FdPassingError(
      'the fd-passing addon is not built (native/fd-passing); fix: run "npm run build" in the Corral folder',
    );
  }
  try {
    addon = createRequire(import.meta.url)(found) as FdPassing;
  } catch (e) {
    throw new FdPassingError(
      `the fd-passing addon ${found} does not load (${e instanceof Error ? e.message : String(e)}); fix: rebuild it with "npm run build"`,
    );
  }
  return addon;
}
