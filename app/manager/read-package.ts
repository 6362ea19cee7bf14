// Reads a package — a .tgz, .tar or .zip archive, or a folder — into a StagingTree, with every cap
// enforced as bytes arrive, and returns the sha256 of what was read (the archive's bytes). The
// format is decided by the file's first bytes; a name that promises another format is refused.
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  createReadStream,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  readdirSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflateRaw, crc32 } from 'node:zlib';
import { isWithin } from '../policy/paths.ts';
import { sizeWords, type PackageCaps } from '../package/package-caps.ts';
import type { FileSink, StagingTree } from './staging-tree.ts';
import { TarError, TarParser } from '../package/tar-reader.ts';
import { ZipError, readZipDirectory } from '../package/zip-directory.ts';

export type PackageFormat = 'folder' | 'tgz' | 'tar' | 'zip';

/** Bytes a tar stream may hold beyond the files' contents: a header and padding per entry. */
const TAR_OVERHEAD_PER_ENTRY = 2048;
const CHUNK = 64 * 1024;

/** The package's format from its first bytes (a folder is a folder), or a PackageError. */
export function detectFormat(path: string, tree: StagingTree): PackageFormat {
  const stat = statSync(path);
  if (stat.isDirectory()) return 'folder';
  if (!stat.isFile()) tree.fail('is neither a folder nor a file');
  const head = Buffer.alloc(512);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const format: PackageFormat | null =
    n >= 2 && head[0] === 0x1f && head[1] === 0x8b
      ? 'tgz'
      : n >= 4 && head.readUInt32LE(0) === 0x04034b50
        ? 'zip'
        : n >= 4 && head.readUInt32LE(0) === 0x06054b50
          ? 'zip'
          : n === 512 && head.toString('latin1', 257, 262) === 'ustar'
            ? 'tar'
            : null;
  const named = /\.(tgz|tar\.gz)$/i.test(path)
    ? 'tgz'
    : /\.zip$/i.test(path)
      ? 'zip'
      : /\.tar$/i.test(path)
        ? 'tar'
        : null;
  if (!format)
    tree.fail('is not a .tgz, .tar or .zip archive; fix: give an extension folder or its archive');
  if (named && named !== format)
    tree.fail(`is named like a .${named} but holds a ${format} archive; fix: rename or rebuild it`);
  return format;
}

/** Reads the package at `path` into `tree`; returns the sha256 of the archive (or of nothing, for a folder). */
export async function readPackage(
  path: string,
  format: PackageFormat,
  tree: StagingTree,
  caps: PackageCaps,
): Promise<string | null> {
  try {
    if (format === 'folder') {
      copyFolder(path, tree);
      return null;
    }
    if (statSync(path).size > caps.archiveBytes)
      tree.fail(`is larger than ${sizeWords(caps.archiveBytes)} (the cap per archive)`);
    return format === 'zip'
      ? await readZip(path, tree, caps)
      : await readTar(path, format, tree, caps);
  } catch (e) {
    if (e instanceof TarError || e instanceof ZipError) tree.fail(e.message);
    if (e instanceof Error && 'code' in e && e.code === 'Z_DATA_ERROR')
      tree.fail(`is damaged (${e.message})`);
    // A file system failure (unreadable file, full disk): the package is not installed, and why.
    if (e instanceof Error && 'syscall' in e && 'code' in e)
      tree.fail(
        `could not be read or staged (${String(e.code)} on ${String((e as { path?: unknown }).path ?? 'a file')})`,
      );
    throw e;
  }
}

async function readTar(
  path: string,
  format: 'tgz' | 'tar',
  tree: StagingTree,
  caps: PackageCaps,
): Promise<string> {
  const hash = createHash('sha256');
  let compressed = 0;
  let expanded = 0;
  const maxStream = caps.totalBytes + caps.entries * TAR_OVERHEAD_PER_ENTRY;
  let file: { sink: FileSink; size: number } | null = null;
  const parser = new TarParser({
    entry: (e) => {
      if (e.kind === 'dir') return tree.addDir(e.name);
      if (e.size > caps.fileBytes)
        tree.fail(`"${e.name}" is larger than ${sizeWords(caps.fileBytes)} (the cap per file)`);
      file = { sink: tree.addFile(e.name, e.executable), size: e.size };
    },
    data: (chunk) => file!.sink.write(chunk),
    entryEnd: () => {
      file?.sink.close(file.size);
      file = null;
    },
  });
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      compressed += chunk.length;
      hash.update(chunk);
      if (compressed > caps.archiveBytes)
        return done(
          tree.failure(`is larger than ${sizeWords(caps.archiveBytes)} (the cap per archive)`),
        );
      done(null, chunk);
    },
  });
  // The first refusal: when a stage throws, pipeline() reports the others' aborts instead.
  let refused: unknown = null;
  const consume = async (source: AsyncIterable<Buffer>) => {
    try {
      for await (const chunk of source) {
        expanded += chunk.length;
        if (expanded > maxStream)
          tree.fail(`expands to more than ${sizeWords(maxStream)} (the cap per package)`);
        if (
          format === 'tgz' &&
          expanded > caps.ratioFloorBytes &&
          expanded > compressed * caps.ratio
        )
          tree.fail(
            `expands more than ${caps.ratio} times (a decompression bomb); fix: ask the publisher for a normal package`,
          );
        parser.push(chunk);
      }
      parser.end();
    } catch (e) {
      refused = e;
      throw e;
    }
  };
  const input = createReadStream(path, { highWaterMark: CHUNK });
  try {
    if (format === 'tgz') await pipeline(input, count, createGunzip({ chunkSize: CHUNK }), consume);
    else await pipeline(input, count, consume);
  } catch (e) {
    throw refused ?? e;
  } finally {
    (file as { sink: FileSink } | null)?.sink.close();
  }
  return hash.digest('hex');
}

async function readZip(path: string, tree: StagingTree, caps: PackageCaps): Promise<string> {
  const zip = readCapped(path, caps.archiveBytes, tree);
  const entries = readZipDirectory(zip, caps.entries);
  for (const e of entries) {
    if (e.kind === 'dir') {
      tree.addDir(e.name);
      continue;
    }
    if (e.size > caps.fileBytes)
      tree.fail(`"${e.name}" is larger than ${sizeWords(caps.fileBytes)} (the cap per file)`);
    const sink = tree.addFile(e.name, e.executable);
    try {
      const data = zip.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
      let out = 0;
      let crc = 0;
      const take = (chunk: Buffer) => {
        out += chunk.length;
        if (out > e.size)
          tree.fail(`"${e.name}" expands beyond the ${e.size} bytes its header claims`);
        if (out > caps.ratioFloorBytes && out > e.compressedSize * caps.ratio)
          tree.fail(
            `"${e.name}" expands more than ${caps.ratio} times (a decompression bomb); fix: ask the publisher for a normal package`,
          );
        crc = crc32(chunk, crc);
        sink.write(chunk);
      };
      if (e.method === 'stored') {
        for (let off = 0; off < data.length; off += CHUNK) take(data.subarray(off, off + CHUNK));
      } else {
        let refused: unknown = null;
        await pipeline(
          Readable.from([data]),
          createInflateRaw({ chunkSize: CHUNK }),
          async (source) => {
            try {
              for await (const chunk of source as AsyncIterable<Buffer>) take(chunk);
            } catch (e) {
              refused = e;
              throw e;
            }
          },
        ).catch((e: unknown) => {
          throw refused ?? e;
        });
      }
      if (out !== e.size)
        tree.fail(`"${e.name}" holds ${out} bytes where its header says ${e.size}`);
      if (crc >>> 0 !== e.crc32) tree.fail(`"${e.name}" is damaged (its checksum does not match)`);
    } finally {
      sink.close();
    }
  }
  return createHash('sha256').update(zip).digest('hex');
}

/** The whole file, refusing one that is (or grows) larger than `cap`. */
function readCapped(path: string, cap: number, tree: StagingTree): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > cap) tree.fail(`is larger than ${sizeWords(cap)} (the cap per archive)`);
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

// ---- folders -------------------------------------------------------------------------------

/**
 * Copies a folder: regular files and folders only. A symbolic link is refused when it leads out
 * of the package or to anything but a file; one to a file inside is copied as that file (the
 * installed tree holds no links). A file with more than one hard link is refused: its other name
 * may be outside the package, and it could change after it was checked.
 */
function copyFolder(path: string, tree: StagingTree): void {
  const root = realpathSync(path);
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const full = join(root, relPath);
      const st = lstatSync(full);
      if (st.isDirectory()) {
        tree.addDir(relPath);
        walk(relPath);
      } else if (st.isFile()) {
        copyFile(full, relPath, st, tree);
      } else if (st.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(full);
        } catch {
          tree.fail(`"${relPath}" is a symbolic link to nothing; fix: remove it`);
        }
        if (!isWithin(target, root))
          tree.fail(
            `"${relPath}" is a symbolic link out of the package (to ${target}); fix: remove it or copy what it points to`,
          );
        const targetStat = statSync(target);
        if (!targetStat.isFile())
          tree.fail(
            `"${relPath}" is a symbolic link to a folder or special file; fix: replace it with a copy`,
          );
        copyFile(target, relPath, targetStat, tree);
      } else {
        tree.fail(`"${relPath}" is a special file (FIFO, socket or device); fix: remove it`);
      }
    }
  };
  walk('');
}

function copyFile(from: string, rel: string, expected: Stats, tree: StagingTree): void {
  // O_NONBLOCK: a FIFO swapped in after the lstat cannot hang the installer.
  const fd = openSync(from, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.ino !== expected.ino || st.dev !== expected.dev)
      tree.fail(`"${rel}" changed while it was being read; fix: install again`);
    if (st.nlink > 1)
      tree.fail(`"${rel}" has ${st.nlink} hard links; fix: replace them with copies`);
    const sink = tree.addFile(rel, (st.mode & 0o111) !== 0);
    try {
      const buf = Buffer.alloc(CHUNK);
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, null);
        if (n === 0) break;
        sink.write(buf.subarray(0, n));
      }
    } finally {
      sink.close();
    }
  } finally {
    closeSync(fd);
  }
}
