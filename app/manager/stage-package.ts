// Stage and verify: reads a package into a fresh folder inside the extensions folder (the same
// file system, so it can later be renamed into place atomically), then checks it the way
// `corral run` would — manifest, main inside the package — plus its tree hash and signature. Any
// failure removes the staging folder: nothing is left half-installed.
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  ExtensionError,
  loadExtension,
  type LoadedExtension,
} from '../runtime/extension-package.ts';
import { DEFAULT_CAPS, type PackageCaps } from '../package/package-caps.ts';
import { detectFormat, readPackage, type PackageFormat } from './read-package.ts';
import {
  MAX_SIGNATURE_BYTES,
  checkSignature,
  type SignatureStatus,
  type TrustedKey,
} from './signature.ts';
import { PackageError, StagingTree } from './staging-tree.ts';
import { SIGNATURE_FILE, hashTree } from './tree-hash.ts';

/** Staging folders live here, named PID-random, so recovery can tell a dead installer's. */
export const STAGING = '.staging';

export interface StagedPackage {
  /** The staging folder (removed by discardStaged, or emptied by the rename into place). */
  stagingDir: string;
  /** The extension's root inside it: the folder holding corral.json. */
  root: string;
  format: PackageFormat;
  /** The package as the user named it. */
  source: string;
  packageSha256: string;
  contentSha256: string;
  extension: LoadedExtension;
  signature: SignatureStatus;
}

export interface StageOptions {
  cwd: string;
  extensionsRoot: string;
  trusted: readonly TrustedKey[];
  caps?: PackageCaps;
}

/** Stages and verifies `pkg`; throws PackageError (one line) after removing what it staged. */
export async function stagePackage(pkg: string, o: StageOptions): Promise<StagedPackage> {
  const path = resolve(o.cwd, pkg);
  try {
    lstatSync(path);
  } catch {
    throw new PackageError(
      `${pkg} does not exist; fix: give an extension folder, a .tgz or a .zip`,
    );
  }
  const staging = join(o.extensionsRoot, STAGING);
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  const stagingDir = mkdtempSync(join(staging, `${process.pid}-`));
  try {
    const into = join(stagingDir, 'pkg');
    mkdirSync(into, { mode: 0o755 });
    const caps = o.caps ?? DEFAULT_CAPS;
    const tree: StagingTree = new StagingTree(into, caps, pkg);
    const format = detectFormat(path, tree);
    const archiveSha = await readPackage(path, format, tree, caps);
    const root = packageRoot(into, tree);
    const contentSha256 = hashTree(root);
    let extension: LoadedExtension;
    try {
      extension = await loadExtension(root, '/');
    } catch (e) {
      if (e instanceof ExtensionError)
        // Name the package, not the staging folder the user never sees.
        throw new PackageError(e.message.split(realpathSync(root)).join(pkg).split(root).join(pkg));
      throw e;
    }
    const signature = checkSignature(
      readSignature(root, tree),
      extension.manifest,
      contentSha256,
      o.trusted,
    );
    if (!signature.ok) tree.fail(`${signature.error}; the package is refused`);
    return {
      stagingDir,
      root,
      format,
      source: pkg,
      packageSha256: archiveSha ?? contentSha256,
      contentSha256,
      extension,
      signature: signature.status,
    };
  } catch (e) {
    rmSync(stagingDir, { recursive: true, force: true });
    throw e;
  }
}

/** Removes a staged package that will not be installed. */
export function discardStaged(staged: StagedPackage): void {
  rmSync(staged.stagingDir, { recursive: true, force: true });
}

/**
 * The folder holding corral.json: the package root, or its only folder when the archive wraps
 * everything in one (`tar czf x.tgz myext/`, npm's `package/`).
 */
function packageRoot(into: string, tree: StagingTree): string {
  const names = readdirSync(into);
  if (names.includes('corral.json')) return into;
  if (names.length === 1 && lstatSync(join(into, names[0]!)).isDirectory()) {
    const inner = join(into, names[0]!);
    if (readdirSync(inner).includes('corral.json')) return inner;
  }
  return tree.fail(
    `has no corral.json at its root; fix: put the manifest at the top of the package (see docs/policy.md)`,
  );
}

function readSignature(root: string, tree: StagingTree): string | null {
  const file = join(root, SIGNATURE_FILE);
  let size: number;
  try {
    size = lstatSync(file).size;
  } catch {
    return null;
  }
  if (size > MAX_SIGNATURE_BYTES)
    tree.fail(
      `${SIGNATURE_FILE} is larger than ${MAX_SIGNATURE_BYTES} bytes, so it is not a signature`,
    );
  return readFileSync(file, 'utf8');
}

/** The staged package's name for messages: "acme.word-count 1.2.0 (word-count.tgz)". */
export function stagedName(s: StagedPackage): string {
  return `${s.extension.manifest.id} ${s.extension.manifest.version} (${basename(s.source)})`;
}
