// `corral trust add KEYFILE --publisher NAME | list [--json] | remove KEYID | require on|off`: the
// ed25519 publisher keys whose signatures this user accepts, each for one publisher, and whether
// unsigned packages are refused.
import { command, usageFailure } from './command.ts';
import { withManager } from './manager-args.ts';
import { readKeyFile } from './key-file.ts';
import { trustAddSpec, trustListSpec, trustRemoveSpec, trustRequireSpec } from './specs.ts';

export const trustAddCommand = command(trustAddSpec, ({ positionals, options }, io, services) => {
  const file = positionals.keyfile;
  const read = readKeyFile(file, io.cwd);
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
