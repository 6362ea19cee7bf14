// `corral keygen`: an ed25519 key pair for signing packages. The private key is written once
// (never over an existing file), readable by its owner only, and never inside an extension folder:
// anything there can end up in a package. Inside a git work tree it is written with a warning.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';
import { keyIdOf } from '../manager/signature.ts';

/** Why no key was written: one line naming the file and the fix. */
export class KeygenError extends Error {}

export interface KeyPair {
  privateFile: string;
  publicFile: string;
  keyId: string;
  /** Lines for the author (a git work tree around the key). */
  warnings: string[];
}

/** $XDG_CONFIG_HOME/corral/keys/signing-key.pem (~/.config/…): outside every project. */
export function defaultKeyFile(env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || '/nonexistent', '.config');
  return join(config, 'corral', 'keys', 'signing-key.pem');
}

/** The public key's file beside the private one: KEY.pem → KEY.pub, else FILE.pub. */
export function publicKeyFile(privateFile: string): string {
  return privateFile.endsWith('.pem') ? privateFile.slice(0, -4) + '.pub' : privateFile + '.pub';
}

/** Makes a key pair and writes it to `file` (relative to `cwd`) and its .pub. */
export function writeKeyPair(file: string, cwd: string): KeyPair {
  const privateFile = resolve(cwd, file);
  const publicFile = publicKeyFile(privateFile);
  for (const f of [privateFile, publicFile])
    if (existsSync(f))
      throw new KeygenError(
        `${f} exists already; fix: choose another file with --out (a key is never overwritten: packages signed with it would no longer match a new one)`,
      );
  const folder = dirname(privateFile);
  const extension = enclosing(folder, 'corral.json');
  if (extension)
    throw new KeygenError(
      `${folder} is inside the extension folder ${extension}, and a key there can end up in a package; fix: keep the key outside every extension folder, e.g. the default ~/.config/corral/keys/`,
    );
  const warnings: string[] = [];
  const repository = enclosing(folder, '.git');
  if (repository)
    warnings.push(
      `${privateFile} is inside the git work tree ${repository}: never commit it (add it to .gitignore, or keep it outside the repository)`,
    );
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // 'wx': created here and now, or not at all; 0600: the key is its owner's alone.
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    flag: 'wx',
    mode: 0o600,
  });
  writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), {
    flag: 'wx',
    mode: 0o644,
  });
  return { privateFile, publicFile, keyId: keyIdOf(publicKey), warnings };
}

/** The nearest folder at or above `folder` that holds `name`, or null. */
function enclosing(folder: string, name: string): string | null {
  let at = existing(folder);
  for (;;) {
    if (existsSync(join(at, name))) return at;
    const up = dirname(at);
    if (up === at || at === parse(at).root) return null;
    at = up;
  }
}

/** The real path of `folder`, or of its nearest existing ancestor. */
function existing(folder: string): string {
  for (let at = folder; ; at = dirname(at)) {
    try {
      return realpathSync(at);
    } catch {
      if (dirname(at) === at) return at;
    }
  }
}
