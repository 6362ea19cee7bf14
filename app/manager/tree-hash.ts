// The canonical sha256 of an extension's files: the same for a folder and for its .tgz or .zip, so
// a signature made over it holds whichever way the package travels, and so `corral run` can tell
// that an installed extension's files changed. corral.sig at the root is left out (it signs the rest).
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_DEPTH } from '../package/entry-name.ts';

export const SIGNATURE_FILE = 'corral.sig';

/**
 * sha256 over "corral-tree-v1\n", then one line per regular file, in byte order of its path:
 * "<x|-> <size> <sha256 of contents> <path>\n" (x: executable). Folders count only through the
 * files in them. Throws on anything but files and folders (a staged tree never has them).
 */
export function hashTree(root: string): string {
  const files: { path: string; key: Buffer }[] = [];
  const walk = (rel: string, depth: number) => {
    if (depth > MAX_DEPTH) throw new Error(`${root}: nested deeper than ${MAX_DEPTH} folders`);
    for (const name of readdirSync(join(root, rel))) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(join(root, path));
      if (st.isDirectory()) walk(path, depth + 1);
      else if (st.isFile()) {
        if (path !== SIGNATURE_FILE) files.push({ path, key: Buffer.from(path, 'utf8') });
      } else throw new Error(`${join(root, path)} is neither a file nor a folder`);
    }
  };
  walk('', 0);
  files.sort((a, b) => Buffer.compare(a.key, b.key));
  const tree = createHash('sha256').update('corral-tree-v1\n');
  for (const { path } of files) {
    const full = join(root, path);
    const st = lstatSync(full);
    const contents = createHash('sha256').update(readFileSync(full)).digest('hex');
    tree.update(`${st.mode & 0o111 ? 'x' : '-'} ${st.size} ${contents} ${path}\n`);
  }
  return tree.digest('hex');
}
