// The broker's file operations: each one decided on the real path it reaches, then carried out on
// a descriptor whose real path is checked again, so neither a symlink nor a rename race can take a
// call outside its grant (the O_NOFOLLOW walk of issue 4, with /proc/self/fd as openat()).
import { constants, promises as fsp } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Decider, Decision, FsOp } from '../policy/decide.ts';
import { checkOpenedPath, realTargetDecision } from '../platform/real-path.ts';
import { openReadOnly, ReadOnlyOpenerError } from '../platform/read-only-opener.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import type { FileType } from '../protocol/methods.ts';

/** Linux O_PATH (asm-generic): a handle to a name without opening the file itself. */
const O_PATH = 0o10000000;

/** The largest file fs/read returns; above it the call answers -32003 (docs/protocol.md). */
export const MAX_READ_BYTES = 8 * 1024 * 1024;

/** A refusal or failure the broker turns into a JSON-RPC error, with the reason it audits. */
export class FsAccessError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** The grant or rule behind a permission decision, for the audit reason. */
    readonly reason: string = message,
  ) {
    super(message);
  }
}

export interface FsGrantCheck {
  /** The current decider (it changes when a grant is revoked or a prompt allowed). */
  decider(): Decider;
  /** Called for a `prompt` decision: true when the user allowed this access. */
  ask(op: FsOp, path: string, reason: string): Promise<boolean>;
}

/** Reads a regular file inside the grants. */
export async function readFile(
  check: FsGrantCheck,
  path: string,
): Promise<{ data: Buffer; reason: string }> {
  const { handle, size, reason } = await openRegularFile(check, path);
  try {
    if (size > MAX_READ_BYTES) {
      throw new FsAccessError(
        ErrorCode.LimitExceeded,
        `${path} is ${size} bytes; fs/read returns at most ${MAX_READ_BYTES} bytes`,
      );
    }
    const data = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < data.length) {
      const { bytesRead } = await handle.read(data, filled, data.length - filled, filled);
      if (bytesRead === 0) break; // the file shrank while we read it
      filled += bytesRead;
    }
    return { data: data.subarray(0, filled), reason };
  } finally {
    await handle.close();
  }
}

/**
 * Opens a regular file inside the grants for an extension to read itself (fs/open): decided and
 * verified exactly as readFile, then opened again on a read-only mount (read-only-opener.ts), so
 * the descriptor can read the file and change nothing about it. The caller closes `fd`.
 */
export async function openFile(
  check: FsGrantCheck,
  path: string,
): Promise<{ fd: number; size: number; reason: string }> {
  const { handle, size, reason } = await openRegularFile(check, path);
  try {
    const real = await fsp.readlink(`/proc/self/fd/${handle.fd}`);
    try {
      return { fd: openReadOnly(real, handle.fd), size, reason };
    } catch (e) {
      if (e instanceof ReadOnlyOpenerError)
        throw new FsAccessError(ErrorCode.InternalError, e.message);
      if ((e as { code?: string }).code === 'ESTALE')
        throw new FsAccessError(
          ErrorCode.InternalError,
          `${path} changed while it was opened; try again`,
        );
      throw systemError(e, path);
    }
  } finally {
    await handle.close();
  }
}

/** Decides a read of `path` and opens it, verified on its real path; only a regular file passes. */
async function openRegularFile(
  check: FsGrantCheck,
  path: string,
): Promise<{ handle: fsp.FileHandle; size: number; reason: string }> {
  const granted = await decide(check, 'read', path);
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    await verifyOpened(check, handle.fd, 'read', path, granted);
    const stat = await handle.stat();
    if (!stat.isFile())
      throw new FsAccessError(ErrorCode.InvalidParams, `${path} is not a regular file`);
    return { handle, size: stat.size, reason: granted.reason };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/**
 * Writes a file inside a write grant: the parent folder is opened and verified first, then the
 * file is created through that verified folder and renamed into place, so a reader never sees
 * half a file and nothing is ever created outside the grant, even for an instant.
 */
export async function writeFile(
  check: FsGrantCheck,
  path: string,
  data: Buffer,
): Promise<{ reason: string }> {
  const granted = await decide(check, 'write', path);
  const name = basename(path);
  if (name === '' || name === '.' || name === '..') {
    throw new FsAccessError(ErrorCode.InvalidParams, `${path} does not name a file`);
  }
  const dir = await open(dirname(path), constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    const realDir = await fsp.realpath(`/proc/self/fd/${dir.fd}`);
    const target = realDir === '/' ? `/${name}` : `${realDir}/${name}`;
    requireAllowed(
      check.decider()({ kind: 'fs', op: 'write', path: target }),
      granted,
      'the folder changed while it was opened',
    );
    const through = `/proc/self/fd/${dir.fd}`;
    const temp = `.${name}.corral-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const file = await open(
      `${through}/${temp}`,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o644,
    );
    try {
      await file.writeFile(data);
    } catch (e) {
      await file.close();
      await fsp.unlink(`${through}/${temp}`).catch(() => {});
      throw e;
    }
    await file.close();
    try {
      // rename() never follows a symlink at the destination: it replaces the link itself.
      await fsp.rename(`${through}/${temp}`, `${through}/${name}`);
    } catch (e) {
      await fsp.unlink(`${through}/${temp}`).catch(() => {});
      throw systemError(e, path);
    }
    return { reason: granted.reason };
  } finally {
    await dir.close();
  }
}

/** Lists a folder inside the grants. */
export async function listFolder(
  check: FsGrantCheck,
  path: string,
): Promise<{ entries: { name: string; type: FileType }[]; reason: string }> {
  const granted = await decide(check, 'list', path);
  const dir = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    await verifyOpened(check, dir.fd, 'list', path, granted);
    const dirents = await fsp.readdir(`/proc/self/fd/${dir.fd}`, { withFileTypes: true });
    const entries = dirents.map((d) => ({ name: d.name, type: typeOf(d) }));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { entries, reason: granted.reason };
  } finally {
    await dir.close();
  }
}

/** Stats a name inside the grants (a symlink is reported as one, never followed). */
export async function statPath(
  check: FsGrantCheck,
  path: string,
): Promise<{ type: FileType; size: number; mtimeMs: number; reason: string }> {
  const granted = await decide(check, 'stat', path);
  const handle = await open(path, O_PATH | constants.O_NOFOLLOW);
  try {
    await verifyOpened(check, handle.fd, 'stat', path, granted);
    const stat = await handle.stat();
    return { type: typeOf(stat), size: stat.size, mtimeMs: stat.mtimeMs, reason: granted.reason };
  } finally {
    await handle.close();
  }
}

interface Granted {
  reason: string;
  /** The user allowed an optional grant for this call (so a `prompt` answer counts as allow). */
  userAllowed: boolean;
}

async function decide(check: FsGrantCheck, op: FsOp, path: string): Promise<Granted> {
  const d = await realTargetDecision(check.decider(), { kind: 'fs', op, path });
  if (d.decision === 'allow') return { reason: d.reason, userAllowed: false };
  if (d.decision === 'prompt' && (await check.ask(op, path, d.reason))) {
    return { reason: `allowed by the user (${d.reason})`, userAllowed: true };
  }
  throw new FsAccessError(ErrorCode.PermissionDenied, `permission denied: ${d.reason}`, d.reason);
}

/** Throws unless `d` allows, or asks for an optional grant the user already allowed for this call. */
function requireAllowed(d: Decision, granted: Granted, what: string): void {
  if (d.decision === 'allow' || (d.decision === 'prompt' && granted.userAllowed)) return;
  throw new FsAccessError(
    ErrorCode.PermissionDenied,
    `permission denied: ${d.reason} (${what})`,
    d.reason,
  );
}

async function verifyOpened(
  check: FsGrantCheck,
  fd: number,
  op: FsOp,
  path: string,
  granted: Granted,
): Promise<void> {
  const d = await checkOpenedPath(check.decider(), fd, { kind: 'fs', op, path });
  requireAllowed(d, granted, 'the path changed while it was opened');
}

async function open(path: string, flags: number, mode?: number): Promise<fsp.FileHandle> {
  try {
    return await fsp.open(path, flags, mode);
  } catch (e) {
    throw systemError(e, path);
  }
}

function systemError(e: unknown, path: string): FsAccessError {
  const code = (e as { code?: string }).code ?? 'EIO';
  switch (code) {
    case 'ENOENT':
      return new FsAccessError(ErrorCode.NotFound, `${path} does not exist`);
    case 'ELOOP':
      return new FsAccessError(
        ErrorCode.PermissionDenied,
        `permission denied: ${path} is a symlink, and the broker never follows one`,
      );
    case 'ENOTDIR':
      return new FsAccessError(ErrorCode.NotFound, `${path}: a part of the path is not a folder`);
    case 'EISDIR':
      return new FsAccessError(ErrorCode.InvalidParams, `${path} is a folder`);
    case 'EACCES':
    case 'EPERM':
      return new FsAccessError(
        ErrorCode.PermissionDenied,
        `permission denied by the file system: ${path}`,
      );
    case 'EFBIG':
    case 'ENOSPC':
    case 'EDQUOT':
      return new FsAccessError(ErrorCode.LimitExceeded, `${path}: ${code}`);
    default:
      return new FsAccessError(ErrorCode.InternalError, `${path}: ${code}`);
  }
}

function typeOf(entry: {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}): FileType {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  return 'other';
}
