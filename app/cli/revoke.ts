// `corral revoke ID RULE [--undo]`: takes one grant away from an installed extension. RULE is a
// rule line (contracts §2), e.g. 'read ${downloads}' or 'connect api.github.com:443'; it may be
// given as one argument or as several words. The next start's policy omits it, and a running copy
// (corral run ID, the app) loses it on its next decision. --undo gives it back from the next start.
import { command } from './command.ts';
import { withManager } from './manager-args.ts';
import { revokeSpec } from './specs.ts';

export const revokeCommand = command(revokeSpec, ({ positionals, options }, io, services) => {
  const { id } = positionals;
  const rule = positionals.rule.join(' ');
  return withManager(services, io, 'revoke', (manager) => {
    if (options.undo) {
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
});
