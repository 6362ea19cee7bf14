// Signs an extension folder for its publisher (`corral sign DIR --key KEY`): the folder is read
// exactly as `corral install` reads it (same refusals, same tree hash), then corral.sig is made.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExtensionError, loadExtension } from '../runtime/extension-package.ts';
import { DEFAULT_CAPS } from '../package/package-caps.ts';
import { readPackage } from './read-package.ts';
import { signPackage } from './signature.ts';
import { PackageError, StagingTree } from './staging-tree.ts';
import { hashTree } from './tree-hash.ts';

/** corral.sig's text for the extension folder `dir`, and what it signs. */
export async function signFolder(
  dir: string,
  cwd: string,
  privateKeyPem: string,
): Promise<{ text: string; id: string; version: string; sha256: string }> {
  const scratch = mkdtempSync(join(tmpdir(), 'corral-sign-'));
  try {
    const into = join(scratch, 'pkg');
    mkdirSync(into);
    const tree = new StagingTree(into, DEFAULT_CAPS, dir);
    await readPackage(resolve(cwd, dir), 'folder', tree, DEFAULT_CAPS);
    let manifest;
    try {
      manifest = (await loadExtension(into, '/')).manifest;
    } catch (e) {
      if (e instanceof ExtensionError) throw new PackageError(e.message.split(into).join(dir));
      throw e;
    }
    const sha256 = hashTree(into);
    return {
      text: signPackage(privateKeyPem, manifest.id, manifest.version, sha256),
      id: manifest.id,
      version: manifest.version,
      sha256,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
