// A strict reader of a zip archive's directory (APPNOTE 6.3.10): the end record, the central
// directory and each local header, cross-checked so that every zip reader sees the same tree.
// Refused: ZIP64, multi-disk and self-extracting archives (data before the first entry or between
// the directory and its end record), encryption, methods other than stored and deflate, symbolic
// links and other special files, a local header that disagrees with the directory, and entries
// whose data overlap (the trick behind non-recursive zip bombs). Names are passed on undecided:
// entry-name.ts confines them. Pure: works on the archive's bytes.

export class ZipError extends Error {}

export interface ZipEntry {
  /** The name as the archive spells it. */
  name: string;
  kind: 'file' | 'dir';
  method: 'stored' | 'deflate';
  /** Where the entry's compressed bytes start in the archive, and how many there are. */
  dataOffset: number;
  compressedSize: number;
  /** What the directory claims; the extractor checks the bytes that come out against it. */
  size: number;
  crc32: number;
  executable: boolean;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** "version made by" host 3: the external attributes' high half is a Unix mode. */
const HOST_UNIX = 3;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The entries of the zip archive `zip`, in directory order, or a ZipError saying what is wrong. */
export function readZipDirectory(zip: Buffer, maxEntries: number): ZipEntry[] {
  const end = findEndRecord(zip);
  const disk = zip.readUInt16LE(end + 4);
  const cdDisk = zip.readUInt16LE(end + 6);
  const onDisk = zip.readUInt16LE(end + 8);
  const count = zip.readUInt16LE(end + 10);
  const cdSize = zip.readUInt32LE(end + 12);
  const cdOffset = zip.readUInt32LE(end + 16);
  if (
    count === 0xffff ||
    cdSize === 0xffffffff ||
    cdOffset === 0xffffffff ||
    (end >= 20 && zip.readUInt32LE(end - 20) === ZIP64_LOCATOR)
  )
    throw new ZipError('is a ZIP64 archive, which packages never need (they are capped far lower)');
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count)
    throw new ZipError('spans several disks; fix: make a single-file zip');
  if (count > maxEntries) throw new ZipError(`has more than ${maxEntries} entries`);
  if (cdOffset + cdSize !== end)
    throw new ZipError('has data between its directory and its end record');

  const entries: (ZipEntry & { header: number })[] = [];
  let pos = cdOffset;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > end || zip.readUInt32LE(pos) !== CENTRAL)
      throw new ZipError('has a damaged central directory');
    const madeBy = zip.readUInt16LE(pos + 4);
    const flags = zip.readUInt16LE(pos + 8);
    const method = zip.readUInt16LE(pos + 10);
    const crc32 = zip.readUInt32LE(pos + 16);
    const compressedSize = zip.readUInt32LE(pos + 20);
    const size = zip.readUInt32LE(pos + 24);
    const nameLength = zip.readUInt16LE(pos + 28);
    const extraLength = zip.readUInt16LE(pos + 30);
    const commentLength = zip.readUInt16LE(pos + 32);
    const diskStart = zip.readUInt16LE(pos + 34);
    const external = zip.readUInt32LE(pos + 38);
    const header = zip.readUInt32LE(pos + 42);
    const next = pos + 46 + nameLength + extraLength + commentLength;
    if (next > end) throw new ZipError('has a damaged central directory');
    const nameBytes = zip.subarray(pos + 46, pos + 46 + nameLength);
    const name = entryName(nameBytes, (flags & 0x0800) !== 0);
    if (flags & 0x0001 || flags & 0x0040 || flags & 0x2000)
      throw new ZipError(`entry "${name}" is encrypted`);
    if (method !== 0 && method !== 8)
      throw new ZipError(
        `entry "${name}" uses compression method ${method} (only stored and deflate)`,
      );
    if (diskStart !== 0) throw new ZipError('spans several disks; fix: make a single-file zip');
    const mode = madeBy >> 8 === HOST_UNIX ? external >>> 16 : 0;
    const type = mode & S_IFMT;
    if (type === S_IFLNK) throw new ZipError(`entry "${name}" is a symbolic link`);
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR)
      throw new ZipError(`entry "${name}" is a special file (device, FIFO or socket)`);
    const isDir = name.endsWith('/') || type === S_IFDIR || (mode === 0 && (external & 0x10) !== 0);
    if (isDir && type === S_IFREG)
      throw new ZipError(`entry "${name}" is both a file and a folder`);
    if (isDir && (size !== 0 || compressedSize !== 0))
      throw new ZipError(`folder entry "${name}" carries data`);
    if (method === 0 && compressedSize !== size)
      throw new ZipError(`stored entry "${name}" has two different sizes`);
    const dataOffset = localData(zip, header, nameBytes, flags, method, cdOffset, name);
    if (dataOffset + compressedSize > cdOffset)
      throw new ZipError(`entry "${name}" runs into the central directory`);
    entries.push({
      name,
      kind: isDir ? 'dir' : 'file',
      method: method === 0 ? 'stored' : 'deflate',
      dataOffset,
      compressedSize,
      size,
      crc32,
      executable: (mode & 0o111) !== 0,
      header,
    });
    pos = next;
  }
  if (pos !== end) throw new ZipError('has a damaged central directory');

  // Entries must follow each other without sharing bytes, starting at the archive's first byte.
  const byOffset = [...entries].sort((a, b) => a.header - b.header);
  let covered = 0;
  for (const e of byOffset) {
    if (e.header < covered) throw new ZipError(`entry "${e.name}" overlaps another entry`);
    if (covered === 0 && e.header !== 0)
      throw new ZipError('has data before its first entry (a self-extracting or altered zip)');
    covered = e.dataOffset + e.compressedSize;
  }
  return entries.map(({ header: _header, ...e }) => e);
}

/** The end-of-central-directory record: the last one whose comment runs exactly to the end. */
function findEndRecord(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - EOCD_SIZE - MAX_COMMENT);
  for (let at = zip.length - EOCD_SIZE; at >= lowest; at--) {
    if (zip.readUInt32LE(at) !== EOCD) continue;
    if (at + EOCD_SIZE + zip.readUInt16LE(at + 20) === zip.length) return at;
  }
  throw new ZipError('is not a zip archive (no end of central directory record)');
}

/** Checks the local header at `at` against the directory and returns where its data start. */
function localData(
  zip: Buffer,
  at: number,
  nameBytes: Buffer,
  flags: number,
  method: number,
  limit: number,
  name: string,
): number {
  if (at + 30 > limit || zip.readUInt32LE(at) !== LOCAL)
    throw new ZipError(`entry "${name}" has no local header where the directory says`);
  const localFlags = zip.readUInt16LE(at + 6);
  const localMethod = zip.readUInt16LE(at + 8);
  const nameLength = zip.readUInt16LE(at + 26);
  const extraLength = zip.readUInt16LE(at + 28);
  const localName = zip.subarray(at + 30, at + 30 + nameLength);
  if (
    localMethod !== method ||
    (localFlags & 0x0801) !== (flags & 0x0801) ||
    !localName.equals(nameBytes)
  )
    throw new ZipError(`entry "${name}" has a local header that disagrees with the directory`);
  return at + 30 + nameLength + extraLength;
}

function entryName(bytes: Buffer, utf8: boolean): string {
  if (!utf8) {
    // Without the UTF-8 flag, bytes above 127 are CP437 to some readers and UTF-8 to others.
    if (bytes.some((b) => b > 127))
      throw new ZipError(
        'has a non-ASCII name without the UTF-8 flag; fix: zip it with UTF-8 names',
      );
    return bytes.toString('latin1');
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new ZipError('has a name that is not valid UTF-8');
  }
}
