// `corral list [--json]`: the installed extensions with their version, state (enabled, disabled,
// quarantined), signature and grants — the ones they run with, the optional ones, the revoked ones.
import { policyRules } from '../consent/grants.ts';
import type { ExtensionManager, ExtensionRecord } from '../manager/manager.ts';
import { command } from './command.ts';
import { withManager } from './manager-args.ts';
import { listSpec } from './specs.ts';

/** One extension as `corral list --json` prints it (and the UI lists it). */
export function listEntry(manager: ExtensionManager, r: ExtensionRecord) {
  const rules = policyRules(manager.policyFor(r));
  return {
    id: r.id,
    name: r.current.manifest.name,
    version: r.current.version,
    state: r.quarantine ? 'quarantined' : r.enabled ? 'enabled' : 'disabled',
    quarantine: r.quarantine,
    signature: r.current.signature,
    dir: manager.dirOf(r.current),
    packageSha256: r.current.packageSha256,
    contentSha256: r.current.contentSha256,
    grants: rules.filter((x) => !x.startsWith('optional ')),
    optional: rules
      .filter((x) => x.startsWith('optional '))
      .map((x) => x.slice('optional '.length)),
    revoked: r.revoked,
    allowedAlways: r.allowedAlways,
    previous: r.previous?.version ?? null,
    pending: r.pending?.version ?? null,
    installedAt: r.installedAt,
    updatedAt: r.updatedAt,
  };
}

export const listCommand = command(listSpec, ({ options }, io, services) =>
  withManager(services, io, 'list', (manager) => {
    const entries = manager.list().map((r) => listEntry(manager, r));
    if (options.json) {
      io.stdout(JSON.stringify(entries, null, 2) + '\n');
      return 0;
    }
    if (entries.length === 0) {
      io.stdout('no extensions installed; install one with "corral install PKG"\n');
      return 0;
    }
    const width = Math.max(...entries.map((e) => e.id.length), 2);
    const vwidth = Math.max(...entries.map((e) => e.version.length), 7);
    io.stdout(
      `${'ID'.padEnd(width)}  ${'VERSION'.padEnd(vwidth)}  ${'STATE'.padEnd(11)}  SIGNATURE\n`,
    );
    for (const e of entries) {
      const signed =
        e.signature.status === 'signed' ? `signed by ${e.signature.publisher}` : 'unsigned';
      io.stdout(
        `${e.id.padEnd(width)}  ${e.version.padEnd(vwidth)}  ${e.state.padEnd(11)}  ${signed}\n`,
      );
      const detail = (label: string, text: string) =>
        io.stdout(`${' '.repeat(width + 2)}${label}: ${text}\n`);
      detail('grants', e.grants.length ? e.grants.join(', ') : 'none');
      if (e.optional.length) detail('asks for', e.optional.join(', '));
      if (e.revoked.length) detail('revoked', e.revoked.join(', '));
      if (e.quarantine) detail('quarantined', `${e.quarantine.at}: ${e.quarantine.reason}`);
      if (e.pending) detail('update', `${e.pending} waits for consent ("corral approve ${e.id}")`);
      if (e.previous) detail('previous', `${e.previous} ("corral rollback ${e.id}")`);
    }
    return 0;
  }),
);
