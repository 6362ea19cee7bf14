// Lexical path normalisation for grants and requests. Pure: symlinks are the host's business
// (app/platform/real-path.ts resolves real paths before a decision; see docs/policy.md).

/**
 * The normalised form of an absolute path: no empty or "." segments, no trailing slash.
 * Returns null for a relative path, a ".." segment (lexical ".." is wrong across symlinks, so it
 * is never guessed here) or a NUL byte. Case and Unicode are kept exactly as given.
 */
export function normalizeAbsolutePath(path: string): string | null {
  if (path.length === 0 || path.charCodeAt(0) !== 47 /* / */) return null;
  if (isNormalized(path)) return path;
  if (path.includes('\0')) return null;
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return null;
    out.push(segment);
  }
  return '/' + out.join('/');
}

/** True when `path` is already what normalizeAbsolutePath would return (the fast path). */
function isNormalized(path: string): boolean {
  if (path === '/') return true;
  const n = path.length;
  if (path.charCodeAt(n - 1) === 47) return false;
  let segmentStart = 1;
  for (let i = 1; i <= n; i++) {
    const c = i < n ? path.charCodeAt(i) : 47;
    if (c === 0) return false;
    if (c !== 47) continue;
    const len = i - segmentStart;
    if (len === 0) return false;
    if (path.charCodeAt(segmentStart) === 46 /* . */) {
      if (len === 1) return false;
      if (len === 2 && path.charCodeAt(segmentStart + 1) === 46) return false;
    }
    segmentStart = i + 1;
  }
  return true;
}

/** True when `path` is `root` or inside it (both normalised, absolute). */
export function isWithin(path: string, root: string): boolean {
  if (root === '/') return true;
  return path === root || (path.startsWith(root) && path.charCodeAt(root.length) === 47);
}

/** The parent of a normalised absolute path ("/" for a top-level entry and for "/"). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
