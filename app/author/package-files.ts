// The files an extension folder ships: every regular file not left out by .corralignore (and the
// built-in rules: version control, the old corral.sig), with the refusals `corral install` applies
// to a folder (a symbolic link out of the package or to a folder, a FIFO or device), plus one of
// its own: a private key is never packed.
import { lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseIgnoreRules, type IgnoreRules } from '../package/ignore-rules.ts';
import { MAX_DEPTH } from '../package/entry-name.ts';
import { isWithin } from '../policy/paths.ts';
import type { TarFile } from '../package/tar-writer.ts';

/** The ignore file at the root of an extension folder. */
export const IGNORE_FILE = '.corralignore';

/** A package cannot be made from the folder: one line naming the file and the fix. */
export class PackFilesError extends Error {}

export interface PackageFiles {
  files: TarFile[];
  /** Paths left out by the ignore rules (folders as "name/"), for the author to see. */
  leftOut: string[];
}

/** PEM armour of any private key: PKCS#8, OpenSSH, RSA, EC. */
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/**
 * Reads the folder `root` (a real path) the way `corral pack` ships it; `skip` is a path to leave
 * out as well (the package being written, when it is inside the folder).
 */
export function packageFiles(root: string, skip?: string): PackageFiles {
  const rules = readIgnoreRules(root);
  const files: TarFile[] = [];
  const leftOut: string[] = [];
  const walk = (rel: string, depth: number) => {
    if (depth > MAX_DEPTH)
      throw new PackFilesError(
        `${rel} is nested deeper than ${MAX_DEPTH} folders; fix: flatten it`,
      );
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const full = join(root, path);
      if (full === skip) continue;
      const st = lstatSync(full);
      if (st.isDirectory()) {
        if (rules.ignores(path, true)) leftOut.push(`${path}/`);
        else walk(path, depth + 1);
        continue;
      }
      if (rules.ignores(path, false)) {
        leftOut.push(path);
        continue;
      }
      const source = st.isSymbolicLink() ? linkTarget(root, path) : full;
      if (!st.isSymbolicLink() && !st.isFile())
        throw new PackFilesError(
          `${path} is a special file (FIFO, socket or device); fix: remove it or add it to ${IGNORE_FILE}`,
        );
      const data = readFileSync(source);
      if (PRIVATE_KEY.test(data.toString('latin1')))
        throw new PackFilesError(
          `${path} holds a private key, which must never ship; fix: move it out of the extension folder (keep signing keys outside it and outside git)`,
        );
      files.push({ path, data, executable: (statSync(source).mode & 0o111) !== 0 });
    }
  };
  walk('', 0);
  return { files, leftOut };
}

/** The rules of ROOT/.corralignore (the built-in ones alone when there is none). */
export function readIgnoreRules(root: string): IgnoreRules {
  let text = '';
  try {
    text = readFileSync(join(root, IGNORE_FILE), 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT')
      throw new PackFilesError(
        `${IGNORE_FILE} cannot be read (${(e as { code?: string }).code}); fix: make it a readable file`,
      );
  }
  return parseIgnoreRules(text);
}

/** A symbolic link to a file inside the package ships as that file; anything else is refused. */
function linkTarget(root: string, path: string): string {
  let target: string;
  try {
    target = realpathSync(join(root, path));
  } catch {
    throw new PackFilesError(`${path} is a symbolic link to nothing; fix: remove it`);
  }
  if (!isWithin(target, root))
    throw new PackFilesError(
      `${path} is a symbolic link out of the package (to ${target}); fix: copy what it points to, or add it to ${IGNORE_FILE}`,
    );
  if (!statSync(target).isFile())
    throw new PackFilesError(
      `${path} is a symbolic link to a folder or special file; fix: replace it with a copy`,
    );
  return target;
}
