// The live stream of the audit log: a subscription is a cursor (the last seq it delivered) that
// reads matching events from the store in batches. The store is the buffer, so a slow subscriber
// is paused (its next batch waits for the last one to be handled) and resumes where it stopped:
// nothing is dropped, and a subscriber costs one batch of memory however far behind it falls.
// The only way to miss events is retention deleting them first; the batch then says how many.
import type { AuditEvent } from '../audit-event/event.ts';
import type { ParsedFilter } from '../audit-event/filter.ts';

export interface AuditBatch {
  /** Matching events, in seq order. */
  events: AuditEvent[];
  /**
   * Events retention deleted before this subscriber read them (seq fromSeq..toSeq, of any
   * extension or kind: their content is gone, so whether they matched is unknown).
   */
  missed?: { fromSeq: number; toSeq: number; count: number };
  /** The newest seq in the store when the batch was read: how far behind the subscriber is. */
  headSeq: number;
}

export interface SubscribeOptions {
  /** Most events per batch (default 256). */
  maxBatch?: number;
  /** Longest wait after a new event before a partial batch goes out (default 50 ms). */
  maxDelayMs?: number;
  /** Start after this seq (default: the newest, so only new events arrive). */
  afterSeq?: number;
  /** Called when onBatch throws or rejects; the subscription then stops. */
  onError?: (error: unknown) => void;
}

/** What a subscription needs from the store. */
export interface SubscriptionSource {
  /** The newest committed seq, or the anchor's seq when retention emptied the log, or -1. */
  headSeq(): number;
  /** The seq of the last event retention deleted, or -1. */
  anchorSeq(): number;
  /** Matching events with afterSeq < seq <= uptoSeq, oldest first, at most `limit`. */
  readRange(filter: ParsedFilter, afterSeq: number, uptoSeq: number, limit: number): AuditEvent[];
}

export interface Subscription {
  /** The seq of the last event this subscription has passed on (or skipped as not matching). */
  readonly lastSeq: number;
  /** Stops delivery; a batch being handled finishes first. */
  close(): void;
}

export class LiveSubscription implements Subscription {
  private cursor: number;
  private busy = false;
  private closed = false;
  private delay: NodeJS.Timeout | null = null;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly source: SubscriptionSource,
    private readonly filter: ParsedFilter,
    private readonly onBatch: (batch: AuditBatch) => void | Promise<void>,
    private readonly options: SubscribeOptions,
    private readonly onClose: () => void,
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 256);
    this.maxDelayMs = Math.max(0, options.maxDelayMs ?? 50);
    this.cursor = options.afterSeq ?? source.headSeq();
  }

  get lastSeq(): number {
    return this.cursor;
  }

  /** Something may have been committed: deliver now if a batch is full, else after maxDelayMs. */
  wake(): void {
    if (this.closed || this.busy) return;
    const behind = this.source.headSeq() - this.cursor;
    if (behind <= 0) return;
    if (behind >= this.maxBatch || this.maxDelayMs === 0) {
      void this.drain();
    } else if (!this.delay) {
      this.delay = setTimeout(() => void this.drain(), this.maxDelayMs);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.delay) clearTimeout(this.delay);
    this.delay = null;
    this.onClose();
  }

  /** Delivers batches until the subscriber has everything committed so far. */
  private async drain(): Promise<void> {
    if (this.delay) clearTimeout(this.delay);
    this.delay = null;
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      while (!this.closed && (await this.deliverOne()));
    } catch (e) {
      this.close();
      this.options.onError?.(e);
    } finally {
      this.busy = false;
    }
    // Events committed while the subscriber was busy.
    this.wake();
  }

  /** Reads and delivers one batch; true when more may be waiting. */
  private async deliverOne(): Promise<boolean> {
    const head = this.source.headSeq();
    const anchor = this.source.anchorSeq();
    let missed: AuditBatch['missed'];
    if (anchor > this.cursor) {
      missed = { fromSeq: this.cursor + 1, toSeq: anchor, count: anchor - this.cursor };
      this.cursor = anchor;
    }
    if (head <= this.cursor && !missed) return false;
    const events = this.source.readRange(this.filter, this.cursor, head, this.maxBatch);
    // A full batch may leave matching events behind it; a partial one means none up to head.
    const full = events.length === this.maxBatch;
    this.cursor = full ? events[events.length - 1]!.seq : Math.max(head, this.cursor);
    if (events.length > 0 || missed)
      await this.onBatch(missed ? { events, missed, headSeq: head } : { events, headSeq: head });
    return full || missed !== undefined;
  }
}
