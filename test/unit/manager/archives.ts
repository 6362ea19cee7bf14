// Builds package archives for the manager tests, good and hostile: tar (ustar, pax, GNU long
// names, any entry type, lying sizes) and zip (stored or deflate, any mode, lying sizes, overlapping
// entries), plus small extension folders. Written here so that every bad shape can be made.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

export interface TarSpec {
  name: string;
  /** '0' file (default), '5' folder, '1' hard link, '2' symlink, '3' char device, '6' FIFO, … */
  type?: string;
  data?: Buffer | string;
  mode?: number;
  linkname?: string;
  /** The size the header claims (default: the data's). */
  size?: number;
  /** pax records put in an 'x' header before the entry. */
  pax?: Record<string, string>;
  /** Write the name as a GNU 'L' long-name entry. */
  longName?: boolean;
  /** Spoil the header checksum. */
  badChecksum?: boolean;
}

const BLOCK = 512;

function header(name: string, type: string, size: number, o: Partial<TarSpec> = {}): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write((o.mode ?? (type === '5' ? 0o755 : 0o644)).toString(8).padStart(7, '0') + '\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('14000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  if (o.linkname) h.write(o.linkname, 157);
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  if (o.badChecksum) sum += 1;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function padded(data: Buffer): Buffer {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return Buffer.concat([data, Buffer.alloc(pad)]);
}

function paxBody(records: Record<string, string>): Buffer {
  let out = '';
  for (const [k, v] of Object.entries(records)) {
    const body = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(body) + 1;
    while (String(len).length + Buffer.byteLength(body) !== len)
      len = String(len).length + Buffer.byteLength(body);
    out += `${len}${body}`;
  }
  return Buffer.from(out, 'utf8');
}

/** A tar archive of `entries`, ended by two zero blocks (unless `end: false`). */
export function tarArchive(
  entries: TarSpec[],
  o: { end?: boolean; trailer?: Buffer } = {},
): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? '0';
    const data = Buffer.from(e.data ?? '');
    if (e.pax) {
      const body = paxBody(e.pax);
      parts.push(header('PaxHeader', 'x', body.length), padded(body));
    }
    if (e.longName) {
      const body = Buffer.from(e.name + '\0');
      parts.push(header('././@LongLink', 'L', body.length), padded(body));
    }
    parts.push(header(e.longName ? 'long' : e.name, type, e.size ?? data.length, e));
    if (data.length) parts.push(padded(data));
  }
  if (o.end !== false) parts.push(Buffer.alloc(BLOCK * 2));
  if (o.trailer) parts.push(o.trailer);
  return Buffer.concat(parts);
}

export function gzip(data: Buffer): Buffer {
  return gzipSync(data);
}

export interface ZipSpec {
  name: string;
  data?: Buffer | string;
  method?: 'stored' | 'deflate';
  /** Unix mode including the file type (S_IFLNK …); default a regular file 0644 or folder 0755. */
  mode?: number;
  /** The uncompressed size the headers claim (default: the data's). */
  size?: number;
  /** General-purpose flags (bit 0: encrypted; bit 11 is set for UTF-8 names by default). */
  flags?: number;
  /** Compression method number to write instead (e.g. 12 for bzip2). */
  methodNumber?: number;
  /** A different name in the local header. */
  localName?: string;
}

/** A zip archive; `overlap` makes the second entry's directory record point at the first's data. */
export function zipArchive(
  entries: ZipSpec[],
  o: { prefix?: Buffer; overlap?: boolean; zip64Locator?: boolean } = {},
): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = o.prefix?.length ?? 0;
  const offsets: number[] = [];
  for (const e of entries) {
    const raw = Buffer.from(e.data ?? '');
    const isDir = e.name.endsWith('/');
    const method = e.method ?? (raw.length > 0 ? 'deflate' : 'stored');
    const body = method === 'deflate' ? deflateRawSync(raw) : raw;
    const name = Buffer.from(e.name, 'utf8');
    const localName = Buffer.from(e.localName ?? e.name, 'utf8');
    const flags = e.flags ?? 0x0800;
    const methodNumber = e.methodNumber ?? (method === 'deflate' ? 8 : 0);
    const crc = crc32(raw);
    const size = e.size ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(methodNumber, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(localName.length, 26);
    offsets.push(offset);
    locals.push(local, localName, body);
    const mode = e.mode ?? (isDir ? 0o040755 : 0o100644);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(methodNumber, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((mode << 16) | (isDir ? 0x10 : 0)) >>> 0, 38);
    const at = o.overlap && offsets.length === 2 ? offsets[0]! : offset;
    central.writeUInt32LE(at, 42);
    centrals.push(central, name);
    offset += local.length + localName.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  return Buffer.concat([
    o.prefix ?? Buffer.alloc(0),
    ...locals,
    cd,
    ...(o.zip64Locator ? [locator] : []),
    end,
  ]);
}

/** A small valid node extension as files: corral.json (patched) and its main. */
export function extensionFiles(
  patch: Record<string, unknown> = {},
  extra: Record<string, string> = {},
): Record<string, string> {
  const manifest = {
    manifestVersion: 1,
    id: 'acme.sample',
    name: 'Sample',
    version: '1.0.0',
    publisher: 'acme',
    runtime: 'node',
    main: 'dist/index.js',
    permissions: { fs: [{ path: '${workspace}', access: 'read' }] },
    ...patch,
  };
  return {
    'corral.json': JSON.stringify(manifest, null, 2),
    'dist/index.js': '// a sample extension\n',
    ...extra,
  };
}

/** The files as tar entries (folders implied). */
export function tarOf(files: Record<string, string>, prefix = ''): TarSpec[] {
  return Object.entries(files).map(([name, data]) => ({ name: prefix + name, data }));
}

/** The files as zip entries. */
export function zipOf(files: Record<string, string>, prefix = ''): ZipSpec[] {
  return Object.entries(files).map(([name, data]) => ({ name: prefix + name, data }));
}

/** Writes the files under `dir`. */
export function writeFolder(dir: string, files: Record<string, string>): string {
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return dir;
}
