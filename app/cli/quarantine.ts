// `corral quarantine ID [--reason TEXT]`: incident response. Stops the extension wherever it runs
// (corral run and the app watch the state), disables it, revokes its optional grants and every
// "allow always", and flags it; its files stay where they are for inspection.
import type { CliIO } from './io.ts';
import type { Services } from '../service/services.ts';
import { usageError, withManager } from './manager-args.ts';
import { parseOptions } from './options.ts';

const USAGE = 'corral quarantine ID [--reason TEXT]';

export async function quarantineCommand(
  argv: string[],
  io: CliIO,
  services: Services,
): Promise<number> {
  const parsed = parseOptions(argv, ['reason'] as const, USAGE);
  if (!parsed.ok) {
    io.stderr(`corral quarantine: ${parsed.error}\n`);
    return 2;
  }
  if (parsed.positional.length !== 1)
    return usageError(io, 'quarantine', 'give one extension id', USAGE);
  const id = parsed.positional[0]!;
  const reason = parsed.options.reason ?? 'quarantined by the user';
  return withManager(services, io, 'quarantine', (manager) => {
    const record = manager.quarantine(id, reason);
    const dir = manager.dirOf(record.current);
    io.stdout(
      [
        `${id} ${record.current.version} is quarantined: disabled, stopped where it runs, optional grants revoked`,
        `  its files are kept for inspection in ${dir}`,
        `  what it did: corral log --ext ${id}`,
        `  then: corral revoke ${id} RULE, corral rollback ${id}, corral uninstall ${id}, or corral enable ${id} --lift-quarantine`,
      ].join('\n') + '\n',
    );
    return 0;
  });
}
