// `corral enable ID [--lift-quarantine]` and `corral disable ID`: whether an installed extension
// may run. A quarantined extension is enabled again only when the user says the quarantine ends.
import { command } from './command.ts';
import type { CliIO } from './io.ts';
import type { Services } from '../service/services.ts';
import { withManager } from './manager-args.ts';
import { disableSpec, enableSpec } from './specs.ts';

export const enableCommand = command(enableSpec, ({ positionals, options }, io, services) =>
  setEnabled(positionals.id, io, services, true, options['lift-quarantine']),
);

export const disableCommand = command(disableSpec, ({ positionals }, io, services) =>
  setEnabled(positionals.id, io, services, false, false),
);

async function setEnabled(
  id: string,
  io: CliIO,
  services: Services,
  enabled: boolean,
  liftQuarantine: boolean,
): Promise<number> {
  const name = enabled ? 'enable' : 'disable';
  return withManager(services, io, name, (manager) => {
    const wasQuarantined = manager.require(id).quarantine !== null;
    const record = manager.setEnabled(id, enabled, liftQuarantine);
    const lifted =
      enabled && wasQuarantined ? ' and out of quarantine (its revoked grants stay revoked)' : '';
    io.stdout(`${id} ${record.current.version} is ${enabled ? 'enabled' : 'disabled'}${lifted}\n`);
    return 0;
  });
}
