// `corral keygen [--out FILE]`: an ed25519 key pair for signing packages, and what to do with it.
import { KeygenError, defaultKeyFile, writeKeyPair } from '../author/keygen.ts';
import { command } from './command.ts';
import { keygenSpec } from './specs.ts';

export const keygenCommand = command(keygenSpec, ({ options }, io) => {
  let pair;
  try {
    pair = writeKeyPair(options.out ?? defaultKeyFile(io.env), io.cwd);
  } catch (e) {
    if (!(e instanceof KeygenError)) throw e;
    io.stderr(`corral keygen: ${e.message}\n`);
    return 1;
  }
  for (const w of pair.warnings) io.stderr(`corral keygen: warning: ${w}\n`);
  io.stdout(
    [
      `key ${pair.keyId}`,
      `  private: ${pair.privateFile} (only you can read it; never put it in an extension folder or in git)`,
      `  public:  ${pair.publicFile} (give it to your users)`,
      `sign:  corral pack DIR --key ${pair.privateFile}`,
      `users: corral trust add ${pair.publicFile} --publisher YOUR-PUBLISHER`,
      '',
    ].join('\n'),
  );
  return 0;
});
