// `corral enable ID [--lift-quarantine]` and `corral disable ID`: whether an installed extension
// may run. A quarantined extension is enabled again only when the user says the quarantine ends.
import type { CliIO } from './io.ts';
import type { Services } from '../service/services.ts';
import { takeFlags, usageError, withManager } from './manager-args.ts';

export async function enableCommand(
  argv: string[],
  io: CliIO,
  services: Services,
): Promise<number> {
  return setEnabled(argv, io, services, true);
}

export async function disableCommand(
  argv: string[],
  io: CliIO,
  services: Services,
): Promise<number> {
  return setEnabled(argv, io, services, false);
}

async function setEnabled(
  argv: string[],
  io: CliIO,
  services: Services,
  enabled: boolean,
): Promise<number> {
  const name = enabled ? 'enable' : 'disable';
  const usage = enabled ? 'corral enable ID [--lift-quarantine]' : 'corral disable ID';
  const { flags, rest } = takeFlags(argv, enabled ? ['lift-quarantine'] : []);
  const option = rest.find((a) => a.startsWith('-'));
  if (option) return usageError(io, name, `unknown option "${option}"`, usage);
  if (rest.length !== 1) return usageError(io, name, 'give one extension id', usage);
  const id = rest[0]!;
  return withManager(services, io, name, (manager) => {
    const wasQuarantined = manager.require(id).quarantine !== null;
    const record = manager.setEnabled(id, enabled, flags.has('lift-quarantine'));
    const lifted =
      enabled && wasQuarantined ? ' and out of quarantine (its revoked grants stay revoked)' : '';
    io.stdout(`${id} ${record.current.version} is ${enabled ? 'enabled' : 'disabled'}${lifted}\n`);
    return 0;
  });
}
