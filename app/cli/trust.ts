// `corral trust add KEYFILE --publisher NAME | list [--json] | remove KEYID | require on|off`: the
// ed25519 publisher keys whose signatures this user accepts, each for one publisher, and whether
// unsigned packages are refused. `corral sign DIR --key KEYFILE` signs a folder (for publishers).
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { signFolder } from '../manager/sign-folder.ts';
import { SIGNATURE_FILE } from '../manager/tree-hash.ts';
import { command, usageFailure } from './command.ts';
import type { CliIO } from './io.ts';
import { withManager } from './manager-args.ts';
import {
  signSpec,
  trustAddSpec,
  trustListSpec,
  trustRemoveSpec,
  trustRequireSpec,
} from './specs.ts';

/** The most bytes a key file may hold: an ed25519 PEM is under 200. */
const KEY_FILE_MAX = 16 * 1024;

/** A small key file (PEM) as text, or the one-line reason it cannot be read. */
function readKeyFile(
  file: string,
  io: CliIO,
): { ok: true; pem: string } | { ok: false; why: string } {
  try {
    const text = readFileSync(resolve(io.cwd, file), 'utf8');
    if (text.length > KEY_FILE_MAX)
      return { ok: false, why: `it is ${text.length} bytes, more than a key file holds` };
    return { ok: true, pem: text };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      why:
        code === 'ENOENT'
          ? 'it does not exist'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'it is a folder'
              : (code ?? (e as Error).message),
    };
  }
}

export const trustAddCommand = command(trustAddSpec, ({ positionals, options }, io, services) => {
  const file = positionals.keyfile;
  const read = readKeyFile(file, io);
  if (!read.ok) {
    io.stderr(
      `corral trust: ${file} cannot be read (${read.why}); fix: give the publisher's public key file (PEM)\n`,
    );
    return 1;
  }
  const pem = read.pem;
  return withManager(services, io, 'trust', (manager) => {
    const key = manager.trustKey(pem, options.publisher);
    io.stdout(`trusted key ${key.keyId} for packages of publisher "${key.publisher}"\n`);
    return 0;
  });
});

export const trustListCommand = command(trustListSpec, ({ options }, io, services) =>
  withManager(services, io, 'trust', (manager) => {
    const keys = manager.trustedKeys();
    const required = manager.requireSigned();
    if (options.json) {
      io.stdout(JSON.stringify({ requireSigned: required, keys }, null, 2) + '\n');
      return 0;
    }
    for (const k of keys) io.stdout(`${k.keyId}  ${k.publisher}  (added ${k.addedAt})\n`);
    if (keys.length === 0)
      io.stdout('no trusted keys; add one with "corral trust add KEYFILE --publisher NAME"\n');
    io.stdout(`unsigned packages are ${required ? 'refused' : 'accepted (shown as unsigned)'}\n`);
    return 0;
  }),
);

export const trustRemoveCommand = command(trustRemoveSpec, ({ positionals }, io, services) =>
  withManager(services, io, 'trust', (manager) => {
    const key = manager.untrustKey(positionals.keyid);
    io.stdout(
      `no longer trusting key ${key.keyId} (publisher "${key.publisher}"); installed extensions keep running\n`,
    );
    return 0;
  }),
);

export const trustRequireCommand = command(trustRequireSpec, ({ positionals }, io, services) => {
  const { setting } = positionals;
  if (setting !== 'on' && setting !== 'off')
    return usageFailure(io, trustRequireSpec, `"${setting}": say "on" or "off"`);
  return withManager(services, io, 'trust', (manager) => {
    manager.setRequireSigned(setting === 'on');
    io.stdout(
      `unsigned packages are now ${setting === 'on' ? 'refused' : 'accepted (shown as unsigned)'}\n`,
    );
    return 0;
  });
});

export const signCommand = command(signSpec, async ({ positionals, options }, io) => {
  const dir = positionals.dir;
  const keyFile = options.key;
  const read = readKeyFile(keyFile, io);
  if (!read.ok) {
    io.stderr(
      `corral sign: ${keyFile} cannot be read (${read.why}); fix: give your ed25519 private key file (PEM)\n`,
    );
    return 1;
  }
  const pem = read.pem;
  let signed;
  try {
    signed = await signFolder(dir, io.cwd, pem);
  } catch (e) {
    io.stderr(`corral sign: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const out = join(resolve(io.cwd, dir), SIGNATURE_FILE);
  writeFileSync(out, signed.text);
  io.stdout(`signed ${signed.id} ${signed.version} (files sha256 ${signed.sha256}) in ${out}\n`);
  return 0;
});
