// Writes the tar archive of a package so that the same files always give the same bytes: entries
// in byte order of their paths (each folder before its contents), one fixed time, owner root
// (uid 0, no names), modes 0644 or 0755 (folders and executables), POSIX ustar headers with a pax
// record only for a path too long for them, and zero padding to GNU tar's 10 KiB record. What
// tar-reader.ts accepts, and GNU and BSD tar too. Pure.

/** A file of the package: its path relative to the root ("/"-separated) and its contents. */
export interface TarFile {
  path: string;
  data: Uint8Array;
  executable: boolean;
}

/** 1980-01-01T00:00:00Z: fixed, and old enough to need no explanation, yet not 1970 (GNU tar warns). */
export const PACK_MTIME = 315_532_800;

const BLOCK = 512;
const RECORD = 20 * BLOCK;
const encoder = new TextEncoder();

/** The tar bytes of `files` (folders are implied by the paths). */
export function writeTar(files: readonly TarFile[]): Uint8Array {
  const entries: { path: string; file: TarFile | null }[] = [];
  const folders = new Set<string>();
  for (const file of files) {
    const segments = file.path.split('/');
    for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join('/') + '/');
    entries.push({ path: file.path, file });
  }
  for (const folder of folders) entries.push({ path: folder, file: null });
  entries.sort((a, b) => compareBytes(a.path, b.path));
  for (let i = 1; i < entries.length; i++)
    if (entries[i]!.path === entries[i - 1]!.path)
      throw new Error(`"${entries[i]!.path}" is in the package twice`);

  const chunks: Uint8Array[] = [];
  for (const { path, file } of entries) {
    const mode = file === null || file.executable ? 0o755 : 0o644;
    const size = file?.data.length ?? 0;
    const type = file === null ? '5' : '0';
    const split = splitName(path);
    if (split === null) {
      // A pax header carries the long path; its own name is fixed so the bytes stay the same.
      const record = paxRecord('path', path);
      chunks.push(header('PaxHeader', 0o644, record.length, 'x', ''), pad(record));
      // Readers that know pax take the path from it; the ustar name is only a placeholder.
      chunks.push(header('long-path', mode, size, type, ''));
    } else {
      chunks.push(header(split.name, mode, size, type, split.prefix));
    }
    if (file) chunks.push(pad(file.data));
  }
  chunks.push(new Uint8Array(2 * BLOCK));
  const length = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(Math.ceil(length / RECORD) * RECORD);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** ustar's 155-byte prefix and 100-byte name for `path`, or null when it does not fit. */
function splitName(path: string): { prefix: string; name: string } | null {
  const bytes = encoder.encode(path).length;
  if (bytes <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100 && name !== '')
      return { prefix, name };
  }
  return null;
}

/** One pax record: "LENGTH key=value\n", LENGTH counting itself. */
function paxRecord(key: string, value: string): Uint8Array {
  const body = ` ${key}=${value}\n`;
  const bodyBytes = encoder.encode(body).length;
  let length = bodyBytes + 1;
  while (String(length).length + bodyBytes !== length) length++;
  return encoder.encode(`${length}${body}`);
}

function header(
  name: string,
  mode: number,
  size: number,
  type: string,
  prefix: string,
): Uint8Array {
  const h = new Uint8Array(BLOCK);
  put(h, 0, 100, encoder.encode(name));
  put(h, 100, 8, octal(mode, 7));
  put(h, 108, 8, octal(0, 7)); // uid
  put(h, 116, 8, octal(0, 7)); // gid
  put(h, 124, 12, octal(size, 11));
  put(h, 136, 12, octal(PACK_MTIME, 11));
  h.fill(0x20, 148, 156); // checksum, counted as spaces
  h[156] = type.charCodeAt(0);
  put(h, 257, 6, encoder.encode('ustar\0'));
  put(h, 263, 2, encoder.encode('00'));
  put(h, 329, 8, octal(0, 7)); // device major
  put(h, 337, 8, octal(0, 7)); // device minor
  put(h, 345, 155, encoder.encode(prefix));
  const sum = h.reduce((n, b) => n + b, 0);
  put(h, 148, 8, encoder.encode(`${sum.toString(8).padStart(6, '0')}\0 `));
  return h;
}

function octal(n: number, digits: number): Uint8Array {
  return encoder.encode(`${n.toString(8).padStart(digits, '0')}\0`);
}

function put(h: Uint8Array, at: number, length: number, bytes: Uint8Array): void {
  if (bytes.length > length) throw new Error(`a tar header field of ${length} bytes overflowed`);
  h.set(bytes, at);
}

function pad(data: Uint8Array): Uint8Array {
  const padded = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  padded.set(data);
  return padded;
}

function compareBytes(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
