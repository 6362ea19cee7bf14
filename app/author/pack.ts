// `corral pack` and `corral sign`: the package of an extension folder as a reproducible .tgz (the
// same files give the same bytes, whatever their times, owners or umask), read back with the
// installer's own reader before anything is written, and signed over the same tree hash
// `corral install` checks.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { readPackage } from '../manager/read-package.ts';
import { keyIdOf, signPackage } from '../manager/signature.ts';
import { PackageError, StagingTree } from '../manager/staging-tree.ts';
import { SIGNATURE_FILE, hashTree } from '../manager/tree-hash.ts';
import { DEFAULT_CAPS } from '../package/package-caps.ts';
import { writeTar, type TarFile } from '../package/tar-writer.ts';
import { ExtensionError, loadExtension } from '../runtime/extension-package.ts';
import { PackFilesError, packageFiles } from './package-files.ts';

export interface PackedExtension {
  /** The .tgz's bytes. */
  bytes: Buffer;
  id: string;
  version: string;
  /** The canonical tree hash a signature covers (tree-hash.ts). */
  contentSha256: string;
  /** The signing key's id, when signed. */
  keyId: string | null;
  files: number;
  /** What .corralignore and the built-in rules left out. */
  leftOut: string[];
}

/** Why a folder cannot be packed or signed: one line naming the file and the fix. */
export class PackError extends Error {}

/**
 * Packs the extension folder `dir` (relative to `cwd`), signed with `privateKeyPem` when given;
 * `skip` is the output file, left out when it lies inside the folder.
 */
export async function packExtension(
  dir: string,
  cwd: string,
  o: { privateKeyPem?: string; skip?: string } = {},
): Promise<PackedExtension> {
  const root = folderOf(dir, cwd);
  const { files, leftOut } = guard(() => packageFiles(root, o.skip));
  let bytes = gzip(writeTar(files));
  const read = await readBack(bytes, dir);
  let keyId: string | null = null;
  if (o.privateKeyPem !== undefined) {
    keyId = signingKeyId(o.privateKeyPem);
    const signature = signPackage(o.privateKeyPem, read.id, read.version, read.contentSha256);
    const signed: TarFile[] = [
      ...files,
      { path: SIGNATURE_FILE, data: Buffer.from(signature), executable: false },
    ];
    bytes = gzip(writeTar(signed));
    const again = await readBack(bytes, dir);
    if (again.contentSha256 !== read.contentSha256)
      throw new Error('the signed package hashes differently from the unsigned one');
  }
  return { bytes, ...read, keyId, files: files.length, leftOut };
}

/**
 * The package's default file name, `ID-VERSION.tgz`, from the folder's manifest; null when the
 * manifest cannot be read (packExtension then says why).
 */
export async function packageFileName(dir: string, cwd: string): Promise<string | null> {
  try {
    const { manifest } = await loadExtension(dir, cwd);
    return `${manifest.id}-${manifest.version}.tgz`;
  } catch (e) {
    if (e instanceof ExtensionError) return null;
    throw e;
  }
}

/** corral.sig's text for the folder: a signature over exactly what `corral pack` ships. */
export async function signExtension(
  dir: string,
  cwd: string,
  privateKeyPem: string,
): Promise<{ text: string; id: string; version: string; sha256: string; leftOut: string[] }> {
  signingKeyId(privateKeyPem);
  const packed = await packExtension(dir, cwd);
  const text = signPackage(privateKeyPem, packed.id, packed.version, packed.contentSha256);
  return {
    text,
    id: packed.id,
    version: packed.version,
    sha256: packed.contentSha256,
    leftOut: packed.leftOut,
  };
}

/**
 * gzip with a fixed header (no name, no time, OS "unknown", maximum compression), so the bytes
 * depend only on the tar and on zlib (RFC 1952).
 */
export function gzip(data: Uint8Array): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([header, deflateRawSync(data, { level: 9 }), trailer]);
}

/** Reads the package as `corral install` does (tar reader, caps, names, manifest, main). */
async function readBack(
  bytes: Buffer,
  dir: string,
): Promise<{ id: string; version: string; contentSha256: string }> {
  const scratch = mkdtempSync(join(tmpdir(), 'corral-pack-'));
  try {
    const archive = join(scratch, 'package.tgz');
    writeFileSync(archive, bytes);
    const into = join(scratch, 'pkg');
    mkdirSync(into);
    const tree = new StagingTree(into, DEFAULT_CAPS, dir);
    let manifest;
    try {
      await readPackage(archive, 'tgz', tree, DEFAULT_CAPS);
      manifest = (await loadExtension(into, '/')).manifest;
    } catch (e) {
      if (e instanceof ExtensionError || e instanceof PackageError)
        throw new PackError(e.message.split(realpathSync(into)).join(dir).split(into).join(dir));
      throw e;
    }
    return { id: manifest.id, version: manifest.version, contentSha256: hashTree(into) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function folderOf(dir: string, cwd: string): string {
  try {
    const root = realpathSync(resolve(cwd, dir));
    if (statSync(root).isDirectory()) return root;
  } catch {
    // said below
  }
  throw new PackError(
    `${dir} is not an extension folder; fix: give the folder that holds corral.json`,
  );
}

/** Runs `step`, turning its one-line refusals into PackError. */
function guard<T>(step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof PackFilesError) throw new PackError(e.message);
    throw e;
  }
}

/** The id of an ed25519 private key in PEM, or a PackError saying what the file holds instead. */
export function signingKeyId(privateKeyPem: string): string {
  let key;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw new PackError(
      'the key file is not a PEM private key ("-----BEGIN PRIVATE KEY-----"); fix: give the private key from "corral keygen", not the .pub',
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new PackError(
      `the key file holds a ${key.asymmetricKeyType ?? 'unknown'} key, not ed25519; fix: make one with "corral keygen"`,
    );
  return keyIdOf(createPublicKey(key));
}
