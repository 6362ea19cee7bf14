// `corral revoke ID RULE [--undo]`: takes one grant away from an installed extension. RULE is a
// rule line (contracts §2), e.g. 'read ${downloads}' or 'connect api.github.com:443'; it may be
// given as one argument or as several words. The next start's policy omits it, and a running copy
// (corral run ID, the app) loses it on its next decision. --undo gives it back from the next start.
import type { CliIO } from './io.ts';
import type { Services } from '../service/services.ts';
import { takeFlags, usageError, withManager } from './manager-args.ts';

const USAGE =
  "corral revoke ID RULE [--undo]   (RULE e.g. 'read ${downloads}', 'connect api.github.com:443')";

export async function revokeCommand(
  argv: string[],
  io: CliIO,
  services: Services,
): Promise<number> {
  const { flags, rest } = takeFlags(argv, ['undo']);
  const option = rest.find((a) => a.startsWith('--'));
  if (option) return usageError(io, 'revoke', `unknown option "${option}"`, USAGE);
  const [id, ...words] = rest;
  if (!id || words.length === 0)
    return usageError(io, 'revoke', 'give an extension id and a rule', USAGE);
  const rule = words.join(' ');
  return withManager(services, io, 'revoke', (manager) => {
    if (flags.has('undo')) {
      manager.unrevoke(id, rule);
      io.stdout(
        `${id}: "${rule}" is no longer revoked; it applies from the extension's next start\n`,
      );
      return 0;
    }
    const revoked = manager.revoke(id, rule);
    io.stdout(
      `${id}: revoked "${revoked.rule}" (${revoked.labels.join(', ')}); its next start omits it, and a running copy loses it at once\n`,
    );
    return 0;
  });
}
