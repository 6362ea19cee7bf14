// An unpacked extension: its folder, its validated manifest and the program that starts it.
import { realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readPolicyText } from '../platform/read-text.ts';
import { parsePolicyDocument, type Manifest, type PolicyInput } from '../policy/manifest.ts';
import { formatPolicyErrors } from '../policy/errors.ts';
import { isWithin } from '../policy/paths.ts';

export interface LoadedExtension {
  /** The extension's folder (real path); bound read-only into its sandbox. */
  dir: string;
  manifest: Manifest;
  policy: PolicyInput;
  /** The real path of `main`, checked to lie inside `dir`. */
  main: string;
}

export class ExtensionError extends Error {}

/** Reads and checks DIR/corral.json; every failure is one line naming the file, the field and the fix. */
export async function loadExtension(dirArg: string, cwd: string): Promise<LoadedExtension> {
  let dir: string;
  try {
    dir = realpathSync(join(dirArg.startsWith('/') ? '' : cwd, dirArg));
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new ExtensionError(
      `${dirArg} is not an extension folder; fix: give the folder that holds corral.json`,
    );
  }
  const manifestFile = join(dir, 'corral.json');
  const text = await readPolicyText(manifestFile, cwd);
  if (!text.ok) throw new ExtensionError(text.error);
  const doc = parsePolicyDocument(text.text, manifestFile);
  if (!doc.ok) throw new ExtensionError(formatPolicyErrors(manifestFile, doc.errors));
  if (doc.kind !== 'manifest') {
    throw new ExtensionError(
      `${manifestFile}: /: this is a policy file, not a manifest; fix: add manifestVersion, id, name, version, publisher, runtime and main`,
    );
  }
  const manifest = doc.value;
  let main: string;
  try {
    main = realpathSync(join(dir, manifest.main));
  } catch {
    throw new ExtensionError(
      `${manifestFile}: /main: ${manifest.main} does not exist in the extension folder; fix: build the extension or correct "main"`,
    );
  }
  // A symlinked main must not lead out of the package (it would run code the user never approved).
  if (!isWithin(main, dir) || !statSync(main).isFile()) {
    throw new ExtensionError(
      `${manifestFile}: /main: ${manifest.main} is not a file inside the extension folder; fix: point "main" at a file in the package`,
    );
  }
  if (manifest.runtime === 'exec' && (statSync(main).mode & 0o111) === 0) {
    throw new ExtensionError(
      `${manifestFile}: /main: ${manifest.main} is not executable; fix: chmod +x it`,
    );
  }
  return { dir, manifest, policy: doc.policy, main };
}
