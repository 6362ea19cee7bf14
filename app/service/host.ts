// The long-lived host: built once from the services root, it runs the installed extensions, asks
// their questions in whichever UIs are connected, streams the audit log and resource use to them,
// and answers every contract call. `corral serve` and Electron main create it; every UI connected
// to it sees the same state.
import { AuditStoreError } from '../audit/sqlite.ts';
import { grantLines } from '../consent/grants.ts';
import { maxRisk, summarizePermissions, type Risk } from '../consent/summary.ts';
import {
  AUDIT_BATCH_MAX,
  isMethodName,
  methods,
  fail,
  ok,
  type ContractResult,
  type DoctorReportView,
  type ExtensionSummary,
  type MethodName,
  type ResourceUse,
  type Settings,
} from '../contract/index.ts';
import { ExtensionError } from '../runtime/extension-package.ts';
import { RpcFailure } from '../runtime/rpc-peer.ts';
import { ManagerError, NotInstalledError } from '../manager/manager.ts';
import { StateError } from '../manager/state-db.ts';
import { PackageError } from '../manager/staging-tree.ts';
import { startMonitor, type Monitor } from '../metrics/monitor.ts';
import { isAlert } from '../metrics/alert-rules.ts';
import { IpcBus } from '../runtime/ipc-bus.ts';
import { logEntry } from '../platform/log.ts';
import { ConfineError } from '../sandbox/confine.ts';
import { CapabilityCheckError } from '../sandbox/detect-capabilities.ts';
import { ContractFailure, contractHandlers, type Handlers } from './contract-handlers.ts';
import { DebugAuditError } from './dev/debug-audit.ts';
import { DevDesk, DevDeskError } from './dev/dev-desk.ts';
import { DevSessionError } from './dev/dev-session.ts';
import { EventHub } from './event-hub.ts';
import { ExtensionFleet } from './extension-fleet.ts';
import { ExtensionStartError } from '../runtime/extension-runner.ts';
import { extensionSummary, runState } from './extension-views.ts';
import type { HostParts } from './host-parts.ts';
import type { EventSink, HostService, UiSession } from './host-service.ts';
import { PromptCenter, PromptNotFound } from './prompt-center.ts';
import { openHostState, type HostOptions, type HostState } from './host-state.ts';
import { ServiceError, type Services } from './services.ts';
import { SettingsError } from './settings.ts';

/** How often the retention setting is applied while the host runs, and first after its start. */
const RETENTION_INTERVAL_MS = 6 * 60 * 60_000;
const RETENTION_FIRST_MS = 5000;

/** Builds the host; the audit store and the extension state are opened now (errors are one line). */
export async function createHostService(o: HostOptions): Promise<HostService> {
  return hostOn(openHostState(o));
}

/** Builds the running host on its opened state (host-state.ts), which holds every part that can fail to open. */
export function hostOn(state: HostState): HostService {
  const { options: o, services, store, deniedAlways, settings } = state;
  let current = state.initialSettings;
  const hub = new EventHub();
  const closers: (() => void)[] = [];
  const monitor: Monitor = startMonitor(store, {});

  const prompts = new PromptCenter({
    timeoutMs: () => current.promptTimeoutSeconds * 1000,
    describe: (ext, labels) => describeGrants(fleet, ext, labels),
    deniedAlways,
    onPrompt: (p) => hub.publish('onPrompt', p),
    onPromptClosed: (c) => hub.publish('onPromptClosed', c),
    audit: (e) => store.record(e),
  });
  const fleet: ExtensionFleet = new ExtensionFleet({
    services,
    prompts,
    ipc: new IpcBus({
      wake: (channel, from) => fleet.wakeFor(channel, from),
      onUndelivered: (id, channel, count, why) =>
        store.record({
          ext: id,
          layer: 'host',
          kind: 'ipc',
          op: 'deliver',
          target: channel,
          outcome: 'failed',
          reason: `${count} messages were not delivered: ${why}`,
        }),
    }),
    monitor,
    workspace: () => o.workspace ?? null,
    onChange: (id) => changed(id),
    onLog: (id, lines) => hub.extensionLog(id, lines),
    ...(o.idleStopMs !== undefined ? { idleStopMs: o.idleStopMs } : {}),
  });

  const resourcesOf = (): Map<string, ResourceUse> =>
    new Map(
      monitor
        .metrics()
        .filter((m) => m.resources && fleet.state(m.ext)?.state === 'ready')
        .map((m) => [
          m.ext,
          {
            cpuPercent: Math.round(m.resources!.cpuPercent * 10) / 10,
            rssBytes: m.resources!.rssBytes,
            processes: m.resources!.processes,
            openFds: m.resources!.openFds,
          },
        ]),
    );
  const summary = (id: string): ExtensionSummary => {
    const record = services.manager().get(id);
    if (!record) throw new ContractFailure('not-found', `${id} is not installed`);
    const run = runState(record, fleet.state(id), fleet.stopped.get(id));
    return extensionSummary(record, run, resourcesOf().get(id) ?? null);
  };
  const changed = (id: string) => {
    if (!services.manager().get(id)) return;
    hub.publish('onExtensionState', { extension: summary(id) });
  };
  const applyRetention = () => {
    if (current.auditRetentionDays > 0)
      store.applyRetention({ maxAgeDays: current.auditRetentionDays });
  };

  const dev = new DevDesk(services, hub);
  const parts: HostParts = {
    services,
    fleet,
    prompts,
    deniedAlways,
    settings,
    hub,
    dev,
    shell: o.shell,
    hostVersion: o.hostVersion ?? '0.1.0',
    summary,
    changed,
    resources: () => [...resourcesOf()].map(([id, use]) => ({ id, use })),
    doctor: () => doctorReport(services),
    settingsChanged: (next: Settings) => {
      current = next;
      applyRetention();
    },
    onClose: (fn) => closers.push(fn),
  };
  const handlers = contractHandlers(parts);

  // The live audit stream: every committed event, in seq order, to every UI; alerts also as alerts.
  // What gathers in 50 ms goes out as one batch (up to the contract's cap), so a flood reaches
  // each UI as at most about 20 messages a second, each drawn in one frame.
  const feed = store.subscribe(
    {},
    (batch) => {
      hub.auditEvents(batch.events);
      for (const e of batch.events)
        if (isAlert(e))
          hub.publish('onAlert', {
            seq: e.seq,
            ts: e.ts,
            ext: e.ext.slice(0, 256),
            rule: e.reason.split(':')[0]!.slice(0, 256),
            message: e.reason.slice(0, 4096),
          });
    },
    { afterSeq: store.headSeq(), maxBatch: AUDIT_BATCH_MAX, maxDelayMs: 50 },
  );
  const metrics = setInterval(() => {
    if (hub.size === 0) return;
    const resources = parts.resources();
    if (resources.length > 0) hub.publish('onMetrics', { ts: new Date().toISOString(), resources });
  }, o.metricsIntervalMs ?? 1000);
  metrics.unref();
  // Trimming a large log takes a while: it waits until the first window has been served.
  const firstRetention = setTimeout(applyRetention, RETENTION_FIRST_MS);
  firstRetention.unref();
  const retention = setInterval(applyRetention, RETENTION_INTERVAL_MS);
  retention.unref();

  let closed: Promise<void> | null = null;
  return {
    call: (session, method, input) => dispatch(handlers, session, method, input),
    connect: (session: UiSession, sink: EventSink) => hub.connect(session, sink),
    stopping: () => fleet.stoppingNow(),
    close() {
      closed ??= (async () => {
        clearInterval(metrics);
        clearTimeout(firstRetention);
        clearInterval(retention);
        prompts.closeAll();
        await Promise.all([fleet.close(), dev.close()]);
        for (const fn of closers) fn();
        feed.close();
        monitor.close();
        hub.close();
        store.flush();
        for (const error of services.close())
          logEntry({ level: 'error', component: 'host-service', context: 'close', error });
      })();
      return closed;
    },
  };
}

/** Checks the method and its input, runs the handler, checks its output; never throws. */
async function dispatch(
  handlers: Handlers,
  session: UiSession,
  method: string,
  input: unknown,
): Promise<ContractResult<unknown>> {
  if (typeof method !== 'string' || !isMethodName(method))
    return fail(
      'unknown-method',
      `Corral has no "${String(method).slice(0, 64)}"; this window may be newer than Corral: reload it or update Corral`,
    );
  const spec = methods[method];
  const parsed = spec.input.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the input';
    return fail('invalid-input', `${method}: ${where}: ${issue?.message ?? 'does not fit'}`);
  }
  try {
    const handler = handlers[method] as (i: unknown, s: UiSession) => unknown;
    const value = await handler(parsed.data, session);
    const out = spec.output.safeParse(value);
    if (!out.success) {
      logEntry({
        level: 'error',
        component: 'host-service',
        context: `the answer to ${method} does not fit the contract`,
        error: JSON.stringify(out.error.issues.slice(0, 3)),
      });
      return fail('internal', `Corral could not answer ${method}; its log has the detail`);
    }
    return ok(out.data);
  } catch (e) {
    return failure(method as MethodName, e);
  }
}

/** A thrown error as the UI shows it: known refusals keep their sentence; bugs are logged. */
function failure(method: MethodName, e: unknown): ContractResult<never> {
  if (e instanceof ContractFailure) return fail(e.code, e.message);
  if (e instanceof PromptNotFound) return fail('not-found', e.message);
  if (e instanceof DevDeskError) return fail(e.code, e.message);
  if (e instanceof DevSessionError || e instanceof DebugAuditError)
    return fail('refused', e.message);
  if (e instanceof ManagerError)
    return fail(e instanceof NotInstalledError ? 'not-found' : 'refused', e.message);
  if (e instanceof PackageError || e instanceof ExtensionError) return fail('refused', e.message);
  if (
    e instanceof ConfineError ||
    e instanceof CapabilityCheckError ||
    e instanceof RpcFailure ||
    e instanceof ExtensionStartError
  )
    return fail('extension-failed', e.message);
  if (
    e instanceof StateError ||
    e instanceof ServiceError ||
    e instanceof SettingsError ||
    e instanceof AuditStoreError
  )
    return fail('internal', e.message);
  logEntry({ level: 'error', component: 'host-service', context: method, error: e });
  return fail(
    'internal',
    `Corral hit an internal error answering ${method}; its log has the detail`,
  );
}

/** The rules an "always" answer records and their risk, from the running extension's policy. */
function describeGrants(
  fleet: ExtensionFleet,
  ext: string,
  labels: string[],
): { rules: string[]; risk: Risk } {
  const policy = fleet.policyOf(ext);
  if (!policy) return { rules: [], risk: 'medium' };
  const lines = grantLines(policy).filter(
    (l) => l.section === 'optionalPermissions' && labels.includes(l.label),
  );
  const wanted = new Set(lines.map((l) => `optional ${l.label}`));
  const risk = summarizePermissions(policy)
    .filter((i) => wanted.has(i.grant))
    .reduce<Risk>((r, i) => maxRisk(r, i.risk), 'low');
  return { rules: lines.flatMap((l) => l.rules), risk };
}

/** `corral doctor` as the UI shows it; a machine with no helper is "refused", with the fix. */
function doctorReport(services: Services): DoctorReportView {
  try {
    const { verdict } = services.sandbox().detect();
    return {
      mode: verdict.mode,
      summary: verdict.summary,
      layers: verdict.layers.map((l) => ({
        layer: l.layer,
        ok: l.ok,
        role: l.role,
        detail: l.detail,
        ...(l.hint ? { hint: l.hint } : {}),
      })),
      degradations: verdict.degradations,
      remedies: verdict.remedies,
      memoryLayer: verdict.memoryLayer,
    };
  } catch (e) {
    if (!(e instanceof ConfineError || e instanceof CapabilityCheckError)) throw e;
    return { mode: 'refused', summary: e.message, layers: [], degradations: [], remedies: [] };
  }
}
