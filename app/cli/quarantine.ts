// `corral quarantine ID [--reason TEXT]`: incident response. Stops the extension wherever it runs
// (corral run and the app watch the state), disables it, revokes its optional grants and every
// "allow always", and flags it; its files stay where they are for inspection.
import { command } from './command.ts';
import { withManager } from './manager-args.ts';
import { quarantineSpec } from './specs.ts';

export const quarantineCommand = command(
  quarantineSpec,
  ({ positionals, options }, io, services) => {
    const id = positionals.id;
    const reason = options.reason ?? 'quarantined by the user';
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
  },
);
