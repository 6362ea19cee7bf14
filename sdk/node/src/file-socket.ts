// Protocol version 2's file socket, the extension's side: the host offers it in the environment
// (CORRAL_PROTOCOL_MAX=2, CORRAL_FILE_FD, CORRAL_FD_ADDON), and fs/open's read-only descriptors
// arrive on it. Node cannot receive a descriptor (SCM_RIGHTS) by itself, so the SDK loads the
// host's own build of its fd-passing addon, bound read-only into the sandbox: the extension ships
// no native code, and the addon always matches the host that sends.
import { read as readAt, readSync, closeSync } from 'node:fs';
import { promisify } from 'node:util';

const readPositional = promisify(readAt);

/**
 * Files up to this size are read at once, without a trip through libuv's thread pool: a read of
 * 64 KiB from the page cache takes microseconds, less than the hop costs (npm run bench, "Reading
 * a file in the sandbox"); larger ones are read off the event loop.
 */
const READ_AT_ONCE_BYTES = 64 * 1024;

interface Receiver {
  recvFds(socket: number, maxFds: number, maxBytes: number): { data: Buffer; fds: number[] };
}

/** The descriptors fs/open sent, taken in the order the answers came. */
export interface FileSocket {
  /** The descriptor tagged `handle` (the caller's to close); null when it is not there. */
  take(handle: number): number | null;
}

/**
 * The file socket when the host offered version 2 and the addon loads; null otherwise (the run
 * then speaks version 1, which every host understands).
 */
export function openFileSocket(
  env: Readonly<Record<string, string | undefined>>,
  report: (message: string) => void,
): FileSocket | null {
  const max = Number(env.CORRAL_PROTOCOL_MAX ?? '1');
  const raw = env.CORRAL_FILE_FD;
  const addonPath = env.CORRAL_FD_ADDON;
  if (!(max >= 2) || raw === undefined || addonPath === undefined || !/^\d+$/.test(raw))
    return null;
  let addon: Receiver;
  try {
    const module = { exports: {} as Receiver };
    process.dlopen(module, addonPath);
    addon = module.exports;
  } catch (err) {
    // The host offered version 2 with an addon this Node cannot load: say so, speak version 1.
    report(`protocol version 2 is off: ${addonPath} does not load (${(err as Error).message})`);
    return null;
  }
  const socket = Number(raw);
  return {
    take(handle) {
      // The descriptor was sent before its answer, so it is queued by now; tags below `handle`
      // belong to calls this side gave up on (timed out): their descriptors are closed.
      for (;;) {
        let got: { data: Buffer; fds: number[] };
        try {
          got = addon.recvFds(socket, 1, 32);
        } catch {
          return null;
        }
        const tag = Number(got.data.toString());
        const [fd] = got.fds;
        if (got.data.length === 0) return null;
        if (tag === handle && fd !== undefined) return fd;
        for (const extra of got.fds) closeSync(extra);
        if (!(tag < handle)) return null;
      }
    },
  };
}

/** Reads up to `size` bytes of `fd` from its start (what fs/read would have returned), then closes it. */
export async function readDescriptor(fd: number, size: number): Promise<Buffer> {
  try {
    const data = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const bytesRead =
        size <= READ_AT_ONCE_BYTES
          ? readSync(fd, data, filled, size - filled, filled)
          : (await readPositional(fd, data, filled, size - filled, filled)).bytesRead;
      if (bytesRead === 0) break; // the file shrank since it was opened
      filled += bytesRead;
    }
    return data.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}
