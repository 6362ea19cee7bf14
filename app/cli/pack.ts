// `corral pack DIR [--key KEYFILE] [--out FILE]` and `corral sign DIR --key KEYFILE`: an extension
// folder as a reproducible .tgz (signed with --key), or its corral.sig alone; both cover exactly
// the files .corralignore lets through (app/author/pack.ts).
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PackError, packExtension, packageFileName, signExtension } from '../author/pack.ts';
import { SIGNATURE_FILE } from '../manager/tree-hash.ts';
import { command } from './command.ts';
import type { CliIO } from './io.ts';
import { readKeyFile } from './key-file.ts';
import { packSpec, signSpec } from './specs.ts';

export const packCommand = command(packSpec, async ({ positionals, options }, io) => {
  const pem = options.key === undefined ? undefined : privateKey('pack', options.key, io);
  if (pem === null) return 1;
  // The package is written to --out, else ./ID-VERSION.tgz; an earlier one there is not packed.
  const name = options.out ?? (await packageFileName(positionals.dir, io.cwd));
  const out = name === null ? undefined : resolve(io.cwd, name);
  let packed;
  try {
    packed = await packExtension(positionals.dir, io.cwd, {
      ...(pem === undefined ? {} : { privateKeyPem: pem }),
      ...(out === undefined ? {} : { skip: out }),
    });
  } catch (e) {
    if (!(e instanceof PackError)) throw e;
    io.stderr(`corral pack: ${e.message}\n`);
    return 1;
  }
  const file = out ?? resolve(io.cwd, `${packed.id}-${packed.version}.tgz`);
  writeFileSync(file, packed.bytes);
  const signed = packed.keyId ? `signed with key ${packed.keyId}` : 'unsigned';
  io.stdout(
    `packed ${packed.id} ${packed.version} (${packed.files} files, ${signed}) into ${file}\n` +
      `  files sha256 ${packed.contentSha256}${leftOutNote(packed.leftOut)}\n`,
  );
  return 0;
});

export const signCommand = command(signSpec, async ({ positionals, options }, io) => {
  const pem = privateKey('sign', options.key, io);
  if (pem === null) return 1;
  let signed;
  try {
    signed = await signExtension(positionals.dir, io.cwd, pem);
  } catch (e) {
    if (!(e instanceof PackError)) throw e;
    io.stderr(`corral sign: ${e.message}\n`);
    return 1;
  }
  const out = join(resolve(io.cwd, positionals.dir), SIGNATURE_FILE);
  writeFileSync(out, signed.text);
  io.stdout(`signed ${signed.id} ${signed.version} (files sha256 ${signed.sha256}) in ${out}\n`);
  if (signed.leftOut.some((p) => !/^\.(git|hg|svn)\/$|^corral\.sig$/.test(p)))
    io.stderr(
      `corral sign: the signature covers the files "corral pack" ships, without ${signed.leftOut.join(', ')}; fix: install the package "corral pack" makes (the folder itself would not match it)\n`,
    );
  return 0;
});

/** The private key's text, or null after saying why it cannot be read. */
function privateKey(name: string, file: string, io: CliIO): string | null {
  const read = readKeyFile(file, io.cwd);
  if (read.ok) return read.pem;
  io.stderr(
    `corral ${name}: ${file} cannot be read (${read.why}); fix: give your ed25519 private key file (from "corral keygen")\n`,
  );
  return null;
}

function leftOutNote(leftOut: readonly string[]): string {
  if (leftOut.length === 0) return '';
  const shown =
    leftOut.length > 6 ? [...leftOut.slice(0, 6), `${leftOut.length - 6} more`] : leftOut;
  return `; left out: ${shown.join(', ')}`;
}
