// `corral install PKG [--yes]` and `corral approve ID [--yes | --reject]`: stage and verify a
// package, show what it may do in plain words with risk levels (for an update: what changes), ask
// for consent on the terminal, then install; an update whose new permissions are not consented
// to waits as a pending update. --yes means: the user consents to exactly what is printed.
//
// Exit status: 0 installed, updated or already installed; 1 refused (bad package, no consent,
// a conflict); 2 usage; 3 the update waits for consent (`corral approve ID`).
import type { PermissionDiff } from '../consent/diff.ts';
import type { ConsentItem } from '../consent/summary.ts';
import type { ExtensionManager, PreparedInstall } from '../manager/manager.ts';
import { describeSignature } from '../manager/signature.ts';
import { command, usageFailure } from './command.ts';
import type { CliIO } from './io.ts';
import { askYesNo, withManager } from './manager-args.ts';
import { approveSpec, installSpec } from './specs.ts';

/** Exit status of an update left waiting for consent. */
export const EXIT_PENDING = 3;

export const installCommand = command(installSpec, ({ positionals, options }, io, services) =>
  withManager(services, io, 'install', async (manager) => {
    const prepared = await manager.prepare(positionals.pkg, io.cwd);
    try {
      return await decide(manager, prepared, options.yes, io);
    } catch (e) {
      manager.discard(prepared);
      throw e;
    }
  }),
);

async function decide(
  manager: ExtensionManager,
  prepared: PreparedInstall,
  yes: boolean,
  io: CliIO,
): Promise<number> {
  const { staged, id, version } = prepared;
  const signature = describeSignature(staged.signature);
  if (prepared.kind === 'same') {
    manager.commit(prepared, false);
    io.stdout(`${id} ${version} is installed already (same files); nothing to do\n`);
    return 0;
  }
  const from = `  from ${staged.source} (${staged.format}), sha256 ${staged.packageSha256}\n`;
  if (prepared.kind === 'install') {
    io.stdout(`${id} ${version} by ${staged.extension.manifest.publisher}: ${signature}\n${from}`);
    io.stdout(formatSummary(prepared.summary));
  } else {
    io.stdout(
      `Update ${id} ${prepared.installed!.current.version} → ${version}: ${signature}\n${from}`,
    );
    io.stdout(formatDiff(prepared.diff!));
  }
  let consent = yes || !prepared.needsConsent;
  if (!consent) {
    const question =
      prepared.kind === 'install'
        ? `Install ${id} ${version} with these permissions?`
        : `Update ${id} to ${version} with these new permissions?`;
    const answer = askYesNo(io, question);
    if (answer === null && prepared.kind === 'install') {
      manager.discard(prepared);
      io.stderr(
        'corral install: nothing installed: installing needs your consent; fix: run it in a terminal to answer, or add --yes to consent to the permissions printed above\n',
      );
      return 1;
    }
    consent = (await answer) ?? false;
  }
  const outcome = manager.commit(prepared, consent);
  switch (outcome.status) {
    case 'refused':
      io.stderr(`corral install: nothing installed: you did not consent\n`);
      return 1;
    case 'pending':
      io.stderr(
        `corral install: the update of ${id} to ${version} waits for your consent to its new permissions; ${id} ${prepared.installed!.current.version} stays in use; fix: run "corral approve ${id}" to review it\n`,
      );
      return EXIT_PENDING;
    case 'installed':
      io.stdout(`installed ${id} ${version} in ${manager.dirOf(outcome.record.current)}\n`);
      return 0;
    case 'updated':
      io.stdout(
        `updated ${id} to ${version}; the previous version stays for "corral rollback ${id}"\n`,
      );
      return 0;
    case 'unchanged':
      return 0;
  }
}

export const approveCommand = command(approveSpec, ({ positionals, options }, io, services) => {
  if (options.yes && options.reject)
    return usageFailure(io, approveSpec, '--yes and --reject both given; fix: choose one');
  const id = positionals.id;
  return withManager(services, io, 'approve', async (manager) => {
    if (options.reject) {
      const before = manager.pendingReview(id).pending.version;
      manager.rejectPending(id);
      io.stdout(`dropped the update of ${id} to ${before}\n`);
      return 0;
    }
    const review = manager.pendingReview(id);
    const { pending } = review;
    io.stdout(
      `Update ${id} ${review.record.current.version} → ${pending.version}: ${describeSignature(pending.signature)}\n  from ${pending.source} (${pending.format}), sha256 ${pending.packageSha256}\n`,
    );
    io.stdout(formatDiff(review.diff));
    let consent = options.yes;
    if (!consent) {
      const answer = askYesNo(io, `Update ${id} to ${pending.version} with these new permissions?`);
      if (answer === null) {
        io.stderr(
          `corral approve: the update still waits: approving needs your consent; fix: run it in a terminal to answer, or add --yes to consent to the changes printed above\n`,
        );
        return EXIT_PENDING;
      }
      consent = await answer;
    }
    if (!consent) {
      io.stderr(`corral approve: the update of ${id} to ${pending.version} still waits\n`);
      return EXIT_PENDING;
    }
    manager.approvePending(id, pending.version);
    io.stdout(
      `updated ${id} to ${pending.version}; the previous version stays for "corral rollback ${id}"\n`,
    );
    return 0;
  });
});

const RISK_WIDTH = 7;

function itemLine(prefix: string, item: ConsentItem): string {
  const notes = item.notes.map((n) => `\n${' '.repeat(prefix.length + RISK_WIDTH + 2)}note: ${n}`);
  return `${prefix}${item.risk.padEnd(RISK_WIDTH)} ${item.sentence}${notes.join('')}\n`;
}

/** The consent text: what it will be able to do, what it may ask for, and what else to know. */
export function formatSummary(items: readonly ConsentItem[]): string {
  const required = items.filter((i) => !i.optional && i.rules.length > 0);
  const optional = items.filter((i) => i.optional);
  const other = items.filter((i) => !i.optional && i.rules.length === 0);
  let out = '';
  out += required.length
    ? 'It will be able to:\n' + required.map((i) => itemLine('  ', i)).join('')
    : 'It asks for nothing beyond its own data and temporary folders.\n';
  if (optional.length)
    out += 'It may ask you, while it runs, to:\n' + optional.map((i) => itemLine('  ', i)).join('');
  if (other.length) out += 'Also:\n' + other.map((i) => itemLine('  ', i)).join('');
  return out;
}

/** The update's changes: + added, ↑ widened, ↓ narrowed, - removed, and limits. */
export function formatDiff(diff: PermissionDiff): string {
  const mark = { added: '+', widened: '↑', narrowed: '↓', removed: '-' } as const;
  const lines = diff.grants.map((g) => {
    const asked = g.item.optional ? ' (asked while it runs)' : '';
    const was = g.before
      ? ` (was: ${g.before.sentence}${g.before.optional ? ', asked while it runs' : ''})`
      : '';
    // A widened or narrowed grant's sentence shows its whole new state: say exactly what moved.
    const exactly =
      g.change === 'widened' || g.change === 'narrowed'
        ? `\n${' '.repeat(4 + RISK_WIDTH + 1)}${g.change === 'widened' ? 'adds' : 'drops'}: ${g.rules.join(', ')}`
        : '';
    return itemLine(`  ${mark[g.change]} `, {
      ...g.item,
      sentence: `${g.item.sentence}${asked}${was}${exactly}`,
    });
  });
  for (const l of diff.limits)
    lines.push(`  ${l.raised ? '↑' : '↓'} limit ${l.limit} ${l.from} → ${l.to}\n`);
  if (lines.length === 0) return 'Its permissions do not change.\n';
  const head = diff.needsConsent
    ? 'It asks for more than you consented to:\n'
    : 'It asks for less than before (no consent needed):\n';
  return head + lines.join('');
}
