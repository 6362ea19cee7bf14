// Per-extension denial rates over a sliding window, fed by the audit stream. Pure.
import { isPolicyDenial, type AuditEvent } from '../audit-event/event.ts';
import { isAlert } from './alert-rules.ts';

export interface DenialRate {
  ext: string;
  /** Events and denials within the window. */
  events: number;
  denials: number;
  windowMs: number;
  denialsPerMinute: number;
  /** denials ÷ events (0 when there were no events). */
  denialShare: number;
}

interface Bucket {
  start: number;
  events: number;
  denials: number;
}

/**
 * Counts events and denials per extension in buckets of `bucketMs`, keeping `windowMs` of them:
 * memory is bounded by window ÷ bucket per extension, whatever the event rate.
 */
export class DenialRates {
  private readonly byExt = new Map<string, Bucket[]>();

  constructor(
    readonly windowMs = 60_000,
    readonly bucketMs = 1000,
  ) {}

  /** Counts one event at its own time (its `ts`). Alerts are not counted. */
  observe(event: AuditEvent, atMs: number = Date.parse(event.ts)): void {
    if (isAlert(event)) return;
    const start = atMs - (atMs % this.bucketMs);
    let buckets = this.byExt.get(event.ext);
    if (!buckets) this.byExt.set(event.ext, (buckets = []));
    let last = buckets[buckets.length - 1];
    if (!last || last.start < start) {
      last = { start, events: 0, denials: 0 };
      buckets.push(last);
    }
    last.events++;
    // Only policy refusals: a crash or a timeout is not a denial (audit event version 2).
    if (isPolicyDenial(event)) last.denials++;
    this.prune(buckets, atMs);
  }

  /** The rate of one extension as of `nowMs`. */
  rate(ext: string, nowMs: number = Date.now()): DenialRate {
    const buckets = this.byExt.get(ext) ?? [];
    this.prune(buckets, nowMs);
    let events = 0;
    let denials = 0;
    for (const b of buckets) {
      events += b.events;
      denials += b.denials;
    }
    return {
      ext,
      events,
      denials,
      windowMs: this.windowMs,
      denialsPerMinute: (denials * 60_000) / this.windowMs,
      denialShare: events === 0 ? 0 : denials / events,
    };
  }

  /** Every extension seen within the window. */
  all(nowMs: number = Date.now()): DenialRate[] {
    return [...this.byExt.keys()]
      .map((ext) => this.rate(ext, nowMs))
      .filter((r) => r.events > 0)
      .sort((a, b) => a.ext.localeCompare(b.ext));
  }

  private prune(buckets: Bucket[], nowMs: number): void {
    const oldest = nowMs - this.windowMs;
    let drop = 0;
    while (drop < buckets.length && buckets[drop]!.start + this.bucketMs <= oldest) drop++;
    if (drop > 0) buckets.splice(0, drop);
  }
}
