// One handler per contract method, typed from the contract's schemas: each takes the parsed input
// and returns what the method's output schema describes, or throws ContractFailure with a sentence
// a person understands. The dispatcher (host.ts) parses inputs and checks outputs around them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  CONTRACT_VERSION,
  TEXT_MAX,
  type ErrorCode,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
} from '../contract/index.ts';
import type { AuditEvent } from '../audit-event/event.ts';
import { isAlert } from '../metrics/alert-rules.ts';
import type { ExtensionManager, PreparedInstall } from '../manager/manager.ts';
import { jsonLine, csvHeader, csvRow } from '../audit-event/export-format.ts';
import type { HostParts } from './host-parts.ts';
import { devHandlers } from './dev/dev-desk.ts';
import type { UiSession } from './host-service.ts';
import {
  consentItemView,
  diffView,
  grantViews,
  limitViews,
  stagedView,
} from './extension-views.ts';

/** A refusal the UI shows as it is: `code` for the program, `message` for the person. */
export class ContractFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Handler<M extends MethodName> = (
  input: MethodParsedInput<M>,
  session: UiSession,
) => Promise<MethodOutput<M>> | MethodOutput<M>;

export type Handlers = { [M in MethodName]: Handler<M> };

/** A staged package waits this long for Install or Cancel, then it is discarded. */
export const STAGED_TTL_MS = 30 * 60_000;
/** The most events one export carries over the contract (narrow the filter for the rest). */
export const EXPORT_MAX_EVENTS = 100_000;

/** The handlers of one host. */
export function contractHandlers(parts: HostParts): Handlers {
  const manager = (): ExtensionManager => parts.services.manager();
  const record = (id: string) => {
    const r = manager().get(id);
    if (!r) throw new ContractFailure('not-found', `${id} is not installed`);
    return r;
  };
  const staged = new Map<string, { prepared: PreparedInstall; timer: NodeJS.Timeout }>();
  const stage = async (path: string, cleanup?: () => void) => {
    let prepared: PreparedInstall;
    try {
      prepared = await manager().prepare(path, '/');
    } finally {
      cleanup?.();
    }
    const token = randomBytes(18).toString('base64url');
    const timer = setTimeout(() => discard(token), STAGED_TTL_MS);
    timer.unref();
    staged.set(token, { prepared, timer });
    return stagedView(token, prepared);
  };
  const discard = (token: string) => {
    const s = staged.get(token);
    if (!s) return;
    clearTimeout(s.timer);
    staged.delete(token);
    manager().discard(s.prepared);
  };
  parts.onClose(() => {
    for (const token of [...staged.keys()]) discard(token);
  });
  const stopFor = async (id: string, why: string) => parts.fleet.stop(id, why);
  /** A stop after which the extension runs again (new code, or a restart): a start it meets waits. */
  const stopToStartAgain = async (id: string, why: string) =>
    parts.fleet.stop(id, why, { startsAgain: true });

  const handlers: Handlers = {
    ...devHandlers(parts.dev),
    'session.hello': (input) => {
      if (input.contractVersion !== CONTRACT_VERSION)
        throw new ContractFailure(
          'version-mismatch',
          `this window speaks contract version ${input.contractVersion} and Corral ${CONTRACT_VERSION}; fix: reload the page, or update Corral`,
        );
      return {
        contractVersion: CONTRACT_VERSION,
        hostVersion: parts.hostVersion,
        shell: parts.shell,
      };
    },

    'extensions.list': () =>
      manager()
        .list()
        .map((r) => parts.summary(r.id)),
    'extensions.get': (input) => {
      const r = record(input.id);
      const runner = parts.fleet.runner(input.id);
      return {
        summary: parts.summary(input.id),
        grants: grantViews(
          r,
          manager().policyFor(r),
          runner?.grantState?.allowedOnce() ?? [],
          parts.deniedAlways.list(),
        ),
        commands: commandsOf(r),
        limits: limitViews(r),
        recentLog: parts.fleet.recentLog(input.id).slice(-100),
        recentEvents: parts.services.auditStore().query({ ext: input.id, limit: 50 }),
      };
    },
    'extensions.stage': async (input) => {
      const source = input.source;
      if (source.kind === 'path') return stage(source.path);
      // An upload becomes a private temporary file with its own name (its format comes from it).
      const dir = mkdtempSync(join(tmpdir(), 'corral-upload-'));
      const file = join(dir, source.name.replace(/[^A-Za-z0-9._-]/g, '_'));
      writeFileSync(file, Buffer.from(source.base64, 'base64'), { mode: 0o600 });
      return stage(file, () => rmSync(dir, { recursive: true, force: true }));
    },
    'extensions.choosePackage': async (_input, session) => {
      if (!session.choosePackageFile)
        throw new ContractFailure(
          'refused',
          'a browser tab has no file dialog of Corral; choose the package with the file picker instead',
        );
      const path = await session.choosePackageFile();
      return path === null ? null : stage(path);
    },
    'extensions.install': (input) => {
      const s = staged.get(input.token);
      if (!s)
        throw new ContractFailure(
          'not-found',
          'this package is no longer staged (it was installed, cancelled, or waited over 30 minutes); choose it again',
        );
      clearTimeout(s.timer);
      staged.delete(input.token);
      const outcome = manager().commit(s.prepared, input.consent);
      if (outcome.status === 'refused')
        throw new ContractFailure('refused', 'nothing was installed without consent');
      parts.changed(outcome.record.id);
      return parts.summary(outcome.record.id);
    },
    'extensions.cancelInstall': (input) => {
      if (!staged.has(input.token))
        throw new ContractFailure('not-found', 'this package is no longer staged');
      discard(input.token);
      return {};
    },
    'extensions.pendingUpdate': (input) => {
      const review = manager().pendingReview(input.id);
      const m = review.pending.manifest;
      return {
        id: input.id,
        name: m.name.slice(0, 256),
        fromVersion: review.record.current.version,
        toVersion: review.pending.version,
        diff: diffView(review.diff),
        summary: review.summary.map(consentItemView),
      };
    },
    'extensions.approveUpdate': async (input) => {
      if (input.approve) {
        manager().approvePending(input.id, input.version);
        await stopToStartAgain(input.id, 'updated: it starts the new version when needed');
      } else manager().rejectPending(input.id);
      parts.changed(input.id);
      return parts.summary(input.id);
    },
    'extensions.enable': async (input) => {
      manager().setEnabled(input.id, true, input.liftQuarantine);
      parts.fleet.stopped.delete(input.id);
      parts.changed(input.id);
      return parts.summary(input.id);
    },
    'extensions.disable': async (input) => {
      manager().setEnabled(input.id, false);
      await stopFor(input.id, 'disabled by the user');
      parts.changed(input.id);
      return parts.summary(input.id);
    },
    'extensions.start': async (input) => {
      await startOrExplain(input.id);
      return parts.summary(input.id);
    },
    'extensions.stop': async (input) => {
      record(input.id);
      await stopFor(input.id, 'stopped by the user; it starts again when needed');
      return parts.summary(input.id);
    },
    'extensions.restart': async (input) => {
      record(input.id);
      await stopToStartAgain(input.id, 'restarting');
      await startOrExplain(input.id);
      return parts.summary(input.id);
    },
    'extensions.quarantine': async (input) => {
      manager().quarantine(input.id, input.reason);
      await stopFor(input.id, `quarantined: ${input.reason}`);
      parts.changed(input.id);
      return parts.summary(input.id);
    },
    'extensions.uninstall': async (input) => {
      record(input.id);
      await stopFor(input.id, 'uninstalled');
      manager().uninstall(input.id, input.keepData);
      parts.deniedAlways.forget(input.id);
      parts.hub.publish('onExtensionState', { id: input.id, removed: true });
      return {};
    },
    'extensions.rollback': async (input) => {
      manager().rollback(input.id);
      await stopToStartAgain(input.id, 'rolled back: it starts the earlier version when needed');
      parts.changed(input.id);
      return parts.summary(input.id);
    },

    'grants.revoke': (input) => {
      const { rule } = manager().revoke(input.id, input.rule);
      parts.fleet.revokeLive(input.id, rule);
      parts.changed(input.id);
      return handlers['extensions.get']({ id: input.id }, SYSTEM) as MethodOutput<'grants.revoke'>;
    },
    'grants.restore': (input) => {
      manager().unrevoke(input.id, input.rule);
      parts.changed(input.id);
      return handlers['extensions.get']({ id: input.id }, SYSTEM) as MethodOutput<'grants.restore'>;
    },
    'grants.listDeniedAlways': () => deniedAlwaysViews(),
    'grants.resetDeniedAlways': (input) => {
      if (!parts.deniedAlways.reset(input.ext, input.rule))
        throw new ContractFailure(
          'not-found',
          `no "Deny always" answer of ${input.ext} names "${input.rule}"`,
        );
      if (manager().get(input.ext)) parts.changed(input.ext);
      return deniedAlwaysViews();
    },

    'prompts.list': () => parts.prompts.list(),
    'prompts.answer': (input, session) => {
      parts.prompts.answer(input.id, input.answer, session.label);
      return {};
    },
    'prompts.hold': (input) => {
      parts.prompts.hold(input.id);
      return {};
    },

    'audit.query': (input) => {
      const store = parts.services.auditStore();
      store.flush();
      const { limit, afterSeq, beforeSeq, ...filter } = input;
      const headSeq = store.headSeq();
      if (afterSeq !== undefined) {
        // Catching up: the oldest `limit` events after afterSeq, shown newest first; `more` says
        // newer ones remain (the UI asks again from the newest seq it got).
        const page = store.query({ ...filter, afterSeq, limit: limit + 1, order: 'asc' });
        const more = page.length > limit;
        return { events: page.slice(0, limit).reverse(), headSeq, more };
      }
      const page = store.query({
        ...filter,
        ...(beforeSeq !== undefined ? { beforeSeq } : {}),
        limit: limit + 1,
      });
      return { events: page.slice(0, limit), headSeq, more: page.length > limit };
    },
    'audit.export': (input) => {
      const store = parts.services.auditStore();
      store.flush();
      const chunks: string[] = input.format === 'csv' ? [csvHeader()] : [];
      let events = 0;
      let truncated = false;
      for (const page of store.pages(input.filter)) {
        const room = EXPORT_MAX_EVENTS - events;
        const taken = page.slice(0, room);
        chunks.push(taken.map(input.format === 'csv' ? csvRow : jsonLine).join(''));
        events += taken.length;
        if (taken.length < page.length) {
          truncated = true;
          break;
        }
      }
      const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
      return {
        fileName: `corral-audit-${stamp}.${input.format === 'csv' ? 'csv' : 'jsonl'}`,
        mimeType: input.format === 'csv' ? 'text/csv' : 'application/x-ndjson',
        content: chunks.join(''),
        events,
        truncated,
      };
    },
    'audit.event': (input) => {
      const [event] = parts.services
        .auditStore()
        .query({ afterSeq: input.seq - 1, limit: 1, order: 'asc' });
      if (!event || event.seq !== input.seq)
        throw new ContractFailure('not-found', `no audit event has seq ${input.seq}`);
      return event;
    },

    'commands.list': () =>
      manager()
        .list()
        .filter((r) => r.enabled && !r.quarantine)
        .flatMap(commandsOf),
    'commands.run': async (input) => {
      const r = record(input.extensionId);
      if (!commandsOf(r).some((c) => c.command === input.command))
        throw new ContractFailure(
          'not-found',
          `${r.current.manifest.name} has no command "${input.command}"`,
        );
      const started = performance.now();
      const result = await parts.fleet.execute(input.extensionId, input.command, input.args);
      return { result: result ?? null, durationMs: Math.round(performance.now() - started) };
    },

    'dashboard.get': (input) => {
      const store = parts.services.auditStore();
      store.flush();
      const since = new Date(Date.now() - input.minutes * 60_000).toISOString();
      const series = new Map<string, { t: string; denials: number }[]>();
      for (const row of store.denialsPerMinute(since)) {
        const points = series.get(row.ext) ?? [];
        points.push({ t: `${row.minute}:00.000Z`, denials: row.denials });
        series.set(row.ext, points);
      }
      return {
        denials: [...series].map(([ext, points]) => ({ ext: ext.slice(0, 256), points })),
        alerts: recentAlerts(store.query({ kind: 'limit', limit: 500 })),
        resources: parts.resources(),
        mode: parts.doctor(),
      };
    },
    'doctor.report': () => parts.doctor(),

    'settings.get': () => parts.settings.get(),
    'settings.set': (input) => {
      const next = parts.settings.set(input);
      parts.settingsChanged(next);
      return next;
    },

    'trust.list': () => trustedKeyViews(),
    'trust.add': (input) => {
      manager().trustKey(input.publicKeyPem, input.publisher);
      return trustedKeyViews();
    },
    'trust.remove': (input) => {
      manager().untrustKey(input.keyId);
      return trustedKeyViews();
    },
  };
  return handlers;

  function commandsOf(r: NonNullable<ReturnType<ExtensionManager['get']>>) {
    const m = r.current.manifest;
    return (m.contributes?.commands ?? []).map((c) => ({
      extensionId: r.id,
      extensionName: m.name.slice(0, 256),
      command: c.id,
      title: c.title.slice(0, 256),
    }));
  }

  async function startOrExplain(id: string): Promise<void> {
    record(id);
    await parts.fleet.ensureRunning(id);
  }

  function deniedAlwaysViews() {
    return parts.deniedAlways.list().flatMap((d) =>
      d.rules.map((rule) => ({
        ext: d.ext,
        rule: rule.slice(0, TEXT_MAX),
        sentence: d.sentence.slice(0, TEXT_MAX),
        at: d.at,
      })),
    );
  }

  function trustedKeyViews() {
    return manager()
      .trustedKeys()
      .map((k) => ({ keyId: k.keyId, publisher: k.publisher, addedAt: k.addedAt }));
  }
}

/** The alert events among `events`, as the dashboard lists them (newest first). */
function recentAlerts(events: AuditEvent[]) {
  return events.filter(isAlert).map((e) => ({
    seq: e.seq,
    ts: e.ts,
    ext: e.ext.slice(0, 256),
    rule: e.reason.split(':')[0]!.slice(0, 256),
    message: e.reason.slice(0, TEXT_MAX),
  }));
}

/** The session the host uses when one handler reads another's answer. */
const SYSTEM: UiSession = { id: 'host', shell: 'serve', label: 'host' };
