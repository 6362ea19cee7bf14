// Bounds what an extension can pour onto the person's screen: its stdout and stderr lines, and its
// `log` notifications. Past a rate (with a burst), lines are dropped, never silently (issue 13:
// 100,000 console.log lines reached the terminal as 2,291 with no marker): every second, and when
// the run ends, what was dropped is counted in one `limit` audit event and said in one line after
// the cut output, in Corral's own voice (never as if the extension had said it).
import type { AuditEventInput } from '../audit-event/event.ts';
import { TokenBucket } from './rate-limit.ts';

export interface LineRate {
  perSecond: number;
  burst: number;
}

/** Output lines (stdout and stderr together) shown per second, after a first burst. */
export const OUTPUT_RATE: LineRate = { perSecond: 1000, burst: 5000 };
/** `log` notifications shown per second, after a first burst. */
export const LOG_RATE: LineRate = { perSecond: 200, burst: 1000 };

export interface FloodGuardOptions {
  ext: string;
  /** What is counted, for the audit op and the sentences: output or log. */
  what: 'output' | 'log';
  rate: LineRate;
  audit: (event: AuditEventInput) => void;
  /** Corral's line to the person: "… 95,000 lines of output not shown …". */
  notice: (message: string) => void;
}

/** One stream of lines under a rate: pass() says whether to show a line; flush() reports drops. */
export class FloodGuard {
  private readonly bucket: TokenBucket;
  private dropped = 0;

  constructor(private readonly o: FloodGuardOptions) {
    this.bucket = new TokenBucket(o.rate.perSecond, o.rate.burst);
  }

  /** True: show the line. False: it is dropped, and counted for the next flush(). */
  pass(): boolean {
    if (this.bucket.take()) return true;
    this.dropped++;
    return false;
  }

  /** Says how many lines were dropped since the last flush, if any (audit event and notice). */
  flush(): void {
    if (this.dropped === 0) return;
    const n = this.dropped;
    this.dropped = 0;
    const lines = this.o.what === 'output' ? 'lines of output' : 'log lines';
    const why = `more than ${this.o.rate.perSecond} a second after the first ${this.o.rate.burst}`;
    this.o.audit({
      ext: this.o.ext,
      layer: 'host',
      kind: 'limit',
      op: this.o.what,
      target: '-',
      outcome: 'limit',
      reason: `${n} ${lines} not shown: ${why}`,
    });
    this.o.notice(`${n} ${lines} not shown (${why}); the audit log counts them`);
  }
}
