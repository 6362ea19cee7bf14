// Watches running extensions: follows the audit store's live stream for denial rates and alert
// rules, samples each sandbox's process tree for memory, CPU and descriptors, and records the
// alerts the rules raise back into the store (where the UI and `corral log` see them).
import type { AuditEvent, AuditEventInput } from '../audit-event/event.ts';
import type { AuditStore } from '../audit/store.ts';
import type { Subscription } from '../audit/subscription.ts';
import { AlertEngine } from './alert-rules.ts';
import type { AlertSettingsInput } from './alert-settings.ts';
import { DenialRates, type DenialRate } from './denial-rate.ts';
import { cpuPercent, sampleProcessTree, type ProcessTreeSample } from './process-tree.ts';

export interface ExtensionMetrics {
  ext: string;
  denials: DenialRate;
  /** The latest resource sample, when the extension's process is watched. */
  resources?: { rssBytes: number; cpuPercent: number; openFds: number; processes: number };
}

export interface MonitorOptions {
  alerts?: AlertSettingsInput;
  /** Sliding window of the denial rates (default 60 s). */
  rateWindowMs?: number;
  /** How often watched processes are sampled (default 1000 ms). */
  sampleIntervalMs?: number;
  /** Called with each alert after it is recorded (e.g. to show it in the UI). */
  onAlert?: (alert: AuditEventInput) => void;
  /** /proc, or a stand-in for tests. */
  procRoot?: string;
}

interface Watched {
  pid: number;
  last: ProcessTreeSample | null;
  percent: number;
}

/** A running monitor; close() stops its subscription and sampling. */
export class Monitor {
  readonly engine: AlertEngine;
  readonly rates: DenialRates;
  private readonly subscription: Subscription;
  private readonly watched = new Map<string, Watched>();
  private readonly sampler: NodeJS.Timeout;

  constructor(
    private readonly store: AuditStore,
    private readonly o: MonitorOptions = {},
  ) {
    // Kinds of access already in the log are not news; a kind first done after now is.
    const head = store.headSeq();
    this.engine = new AlertEngine(
      o.alerts,
      store.accessKinds().filter((a) => a.firstSeq <= head),
    );
    this.rates = new DenialRates(o.rateWindowMs);
    this.subscription = store.subscribe(
      {},
      (batch) => {
        for (const e of batch.events) this.observe(e);
      },
      { afterSeq: head, maxDelayMs: 100 },
    );
    this.sampler = setInterval(() => this.sample(), o.sampleIntervalMs ?? 1000);
    this.sampler.unref();
  }

  /** Samples `pid` (the extension's sandbox helper) and its descendants from now on. */
  watchProcess(ext: string, pid: number): void {
    this.watched.set(ext, { pid, last: sampleProcessTree(pid, this.o.procRoot), percent: 0 });
  }

  unwatchProcess(ext: string): void {
    this.watched.delete(ext);
    this.engine.forget(ext);
  }

  /** Denial rates and resource use, per extension seen in the window or watched. */
  metrics(nowMs: number = Date.now()): ExtensionMetrics[] {
    const exts = new Set([...this.rates.all(nowMs).map((r) => r.ext), ...this.watched.keys()]);
    return [...exts].sort().map((ext) => {
      const m: ExtensionMetrics = { ext, denials: this.rates.rate(ext, nowMs) };
      const w = this.watched.get(ext);
      if (w?.last)
        m.resources = {
          rssBytes: w.last.rssBytes,
          cpuPercent: w.percent,
          openFds: w.last.openFds,
          processes: w.last.pids.length,
        };
      return m;
    });
  }

  close(): void {
    clearInterval(this.sampler);
    this.subscription.close();
  }

  private observe(e: AuditEvent): void {
    this.rates.observe(e);
    for (const alert of this.engine.observeEvent(e)) this.raise(alert);
  }

  /** One sampling round over the watched processes (also called by tests). */
  sample(): void {
    for (const [ext, w] of this.watched) {
      const next = sampleProcessTree(w.pid, this.o.procRoot);
      if (!next) {
        this.unwatchProcess(ext); // the sandbox ended
        continue;
      }
      if (w.last) w.percent = cpuPercent(w.last, next);
      w.last = next;
      for (const alert of this.engine.observeCpu(ext, w.percent, Date.now())) this.raise(alert);
    }
  }

  private raise(alert: AuditEventInput): void {
    this.store.record(alert);
    this.o.onAlert?.(alert);
  }
}

/** Starts monitoring the extensions that write to `store`. */
export function startMonitor(store: AuditStore, options: MonitorOptions = {}): Monitor {
  return new Monitor(store, options);
}
