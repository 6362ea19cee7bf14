// A strict, streaming reader for the tar archives packages come in (POSIX ustar and pax, GNU long
// names): fed bytes as they arrive, it reports each entry and its contents. It accepts only
// regular files and folders; links, devices, FIFOs, sparse and multi-volume entries are refused,
// as is anything malformed (a bad checksum, a size in binary form, a missing end marker, data
// after it). Names are passed on undecided: entry-name.ts confines them. Pure.

export class TarError extends Error {}

export interface TarEntry {
  /** The name as the archive spells it (pax path, GNU long name, or ustar prefix/name). */
  name: string;
  kind: 'file' | 'dir';
  /** The size the header claims; the reader delivers exactly this many bytes or fails. */
  size: number;
  executable: boolean;
}

export interface TarHandler {
  entry(entry: TarEntry): void;
  data(chunk: Buffer): void;
  entryEnd(): void;
}

const BLOCK = 512;
/** A pax header or GNU long name carries a few names and times; more is not a package. */
const MAX_META_BYTES = 64 * 1024;

const REFUSED_TYPES: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO',
  K: 'a link (GNU long link name)',
  S: 'a sparse file',
  M: 'part of a multi-volume archive',
  V: 'a volume label',
  D: 'an incremental-dump folder',
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

type State = 'header' | 'data' | 'meta' | 'padding' | 'end';

export class TarParser {
  private state: State = 'header';
  private readonly header = Buffer.alloc(BLOCK);
  private filled = 0;
  private remaining = 0;
  private padding = 0;
  private zeroBlocks = 0;
  private metaType = '';
  private meta: Buffer[] = [];
  private pax = new Map<string, string>();
  private longName: string | null = null;

  constructor(private readonly handler: TarHandler) {}

  /** Feeds the next bytes of the (decompressed) archive. */
  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const left = chunk.length - off;
      switch (this.state) {
        case 'header': {
          const n = Math.min(BLOCK - this.filled, left);
          chunk.copy(this.header, this.filled, off, off + n);
          this.filled += n;
          off += n;
          if (this.filled === BLOCK) {
            this.filled = 0;
            this.onHeader();
          }
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, left);
          this.handler.data(chunk.subarray(off, off + n));
          off += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            this.handler.entryEnd();
            this.state = 'padding';
          }
          break;
        }
        case 'meta': {
          const n = Math.min(this.remaining, left);
          this.meta.push(Buffer.from(chunk.subarray(off, off + n)));
          off += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            this.onMeta(Buffer.concat(this.meta));
            this.state = 'padding';
          }
          break;
        }
        case 'padding': {
          const n = Math.min(this.padding, left);
          off += n;
          this.padding -= n;
          break;
        }
        case 'end': {
          // Tar pads the archive to its record size with zeros; anything else hides a second tree.
          if (chunk.subarray(off).some((b) => b !== 0))
            throw new TarError('has data after its end-of-archive marker');
          off = chunk.length;
          break;
        }
      }
      if (this.state === 'padding' && this.padding === 0) this.state = 'header';
    }
  }

  /** The archive is complete: refuses one that stops before its end-of-archive marker. */
  end(): void {
    if (this.state !== 'end')
      throw new TarError('is truncated (it stops before its end-of-archive marker)');
  }

  private onHeader(): void {
    const h = this.header;
    if (h.every((b) => b === 0)) {
      this.zeroBlocks++;
      if (this.zeroBlocks === 2) this.state = 'end';
      return;
    }
    if (this.zeroBlocks > 0) throw new TarError('has an entry after an empty block');
    verifyChecksum(h);
    const magic = h.toString('latin1', 257, 263);
    const posix = magic === 'ustar\0';
    if (!posix && magic !== 'ustar ')
      throw new TarError('is not a POSIX (ustar, pax) or GNU tar archive');
    const type = h[156] === 0 ? '0' : String.fromCharCode(h[156]!);
    const size = octal(h, 124, 12, 'size');
    if (type === 'x' || type === 'g' || type === 'L') {
      if (size > MAX_META_BYTES)
        throw new TarError(`has an extended header larger than ${MAX_META_BYTES} bytes`);
      this.metaType = type;
      this.meta = [];
      this.startBody(size, 'meta');
      if (size === 0) this.onMeta(Buffer.alloc(0));
      return;
    }
    const name = this.pax.get('path') ?? this.longName ?? ustarName(h, posix);
    const refused = REFUSED_TYPES[type];
    if (refused) throw new TarError(`entry "${name}" is ${refused}`);
    if (type !== '0' && type !== '7' && type !== '5')
      throw new TarError(`entry "${name}" has the unknown type "${type}"`);
    const paxSize = this.pax.get('size');
    const actualSize = paxSize === undefined ? size : decimal(paxSize, 'pax size');
    const kind = type === '5' ? 'dir' : 'file';
    if (kind === 'dir' && actualSize !== 0)
      throw new TarError(`folder entry "${name}" carries data`);
    const mode = octal(h, 100, 8, 'mode');
    this.pax = new Map();
    this.longName = null;
    this.handler.entry({ name, kind, size: actualSize, executable: (mode & 0o111) !== 0 });
    if (actualSize === 0) this.handler.entryEnd();
    else this.startBody(actualSize, 'data');
  }

  private startBody(size: number, state: 'data' | 'meta'): void {
    this.remaining = size;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    this.state = size === 0 ? 'header' : state;
  }

  private onMeta(body: Buffer): void {
    if (this.metaType === 'L') {
      this.longName = text(body.subarray(0, nulAt(body)), 'long name');
      return;
    }
    const records = parsePax(body);
    if (this.metaType === 'g') {
      // A global header that renames or resizes entries would make this reader and others differ.
      for (const key of ['path', 'linkpath', 'size'])
        if (records.has(key)) throw new TarError(`has a global header that sets "${key}"`);
      return;
    }
    for (const [k, v] of records) this.pax.set(k, v);
  }
}

function verifyChecksum(h: Buffer): void {
  const stored = octal(h, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  if (stored !== unsigned && stored !== signed)
    throw new TarError('has a header with a wrong checksum (the file is damaged or not a tar)');
}

/** An octal header field; GNU's base-256 form only appears past 8 GiB, far over any cap. */
function octal(h: Buffer, off: number, len: number, what: string): number {
  if (h[off]! & 0x80) throw new TarError(`has a ${what} field in binary form (over 8 GiB)`);
  const s = h
    .toString('latin1', off, off + len)
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarError(`has a malformed ${what} field`);
  return parseInt(s, 8);
}

function decimal(s: string, what: string): number {
  if (!/^\d{1,15}$/.test(s)) throw new TarError(`has a malformed ${what} record`);
  return Number(s);
}

function nulAt(b: Buffer): number {
  const i = b.indexOf(0);
  return i === -1 ? b.length : i;
}

function text(b: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(b);
  } catch {
    throw new TarError(`has a ${what} that is not valid UTF-8`);
  }
}

function ustarName(h: Buffer, posix: boolean): string {
  const name = text(h.subarray(0, nulAt(h.subarray(0, 100))), 'name');
  if (!posix) return name; // GNU keeps other fields where ustar has its prefix
  const prefixField = h.subarray(345, 500);
  const prefix = text(prefixField.subarray(0, nulAt(prefixField)), 'name');
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** pax records: "LENGTH KEY=VALUE\n", LENGTH counting the whole record. */
function parsePax(body: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    const digits = space === -1 ? '' : body.toString('latin1', pos, space);
    if (!/^[1-9]\d{0,5}$/.test(digits)) throw new TarError('has a malformed pax header');
    const end = pos + Number(digits);
    if (end > body.length || body[end - 1] !== 0x0a)
      throw new TarError('has a malformed pax header');
    const record = text(body.subarray(space + 1, end - 1), 'pax record');
    const eq = record.indexOf('=');
    if (eq <= 0) throw new TarError('has a malformed pax header');
    out.set(record.slice(0, eq), record.slice(eq + 1));
    pos = end;
  }
  return out;
}
