// Entry names of a package (archive members or files of a folder): normalised, confined to the
// package root, and checked for the tricks that make two readers see different trees — zip-slip
// ("../", absolute paths, backslashes: CVE-2018-1002200 and its kin), NUL and control characters,
// duplicates (the last one wins in tar, the first in some zip readers), and names that differ
// only in letter case or Unicode form (one overwrites the other on macOS and Windows). Pure.

/** NAME_MAX on Linux and macOS. */
export const MAX_SEGMENT_BYTES = 255;
/** Well under PATH_MAX (4096) once the extensions folder is in front of it. */
export const MAX_PATH_BYTES = 1024;
/** Deeper trees are not code bundles; the cap bounds recursion in every walker. */
export const MAX_DEPTH = 32;

export type EntryName = { ok: true; path: string } | { ok: false; reason: string };

const utf8 = new TextEncoder();

/**
 * The entry's path relative to the package root ("" for the root itself), with "." and empty
 * segments dropped and a trailing "/" removed; or why it is refused.
 */
export function normalizeEntryName(raw: string): EntryName {
  if (raw.includes('\0')) return { ok: false, reason: 'contains a NUL byte' };
  // eslint-disable-next-line no-control-regex
  if (/[\x01-\x1f\x7f]/.test(raw)) return { ok: false, reason: 'contains a control character' };
  if (raw.includes('\\'))
    return { ok: false, reason: 'contains a backslash (a Windows folder separator)' };
  if (raw.startsWith('/')) return { ok: false, reason: 'is an absolute path' };
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  // Checked after "./" is dropped: "./C:/x" is "C:/x" to a Windows extractor.
  if (/^[A-Za-z]:/.test(segments[0] ?? ''))
    return { ok: false, reason: 'starts with a drive letter' };
  if (segments.includes('..')) return { ok: false, reason: 'leaves the package ("..")' };
  if (segments.some((s) => utf8.encode(s).length > MAX_SEGMENT_BYTES))
    return { ok: false, reason: `has a name longer than ${MAX_SEGMENT_BYTES} bytes` };
  const path = segments.join('/');
  if (utf8.encode(path).length > MAX_PATH_BYTES)
    return { ok: false, reason: `is longer than ${MAX_PATH_BYTES} bytes` };
  if (segments.length > MAX_DEPTH)
    return { ok: false, reason: `is nested deeper than ${MAX_DEPTH} folders` };
  return { ok: true, path };
}

/** How a name is compared on a case-insensitive, normalising file system. */
function folded(path: string): string {
  return path.normalize('NFC').toLowerCase();
}

/**
 * The set of entries seen so far: refuses a second file of the same name, a file where a folder
 * is (or the other way round), and a name that only differs from another in case or Unicode form.
 */
export class EntrySet {
  /** folded path → [exact path, kind]; folders named by an entry or implied by a file inside. */
  private readonly seen = new Map<string, [string, 'file' | 'dir']>();

  get size(): number {
    return this.seen.size;
  }

  /** Records `path` (normalised, not ""); returns why it is refused, or null. */
  add(path: string, kind: 'file' | 'dir'): string | null {
    const segments = path.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      const want = i === segments.length ? kind : 'dir';
      const key = folded(prefix);
      const known = this.seen.get(key);
      if (!known) {
        this.seen.set(key, [prefix, want]);
        continue;
      }
      const [exact, was] = known;
      if (exact !== prefix)
        return `"${prefix}" and "${exact}" differ only in letter case or Unicode form`;
      if (was !== want) return `"${prefix}" is both a file and a folder`;
      if (i === segments.length && kind === 'file') return `"${prefix}" appears twice`;
    }
    return null;
  }
}
