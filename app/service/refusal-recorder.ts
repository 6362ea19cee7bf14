// What a shell refuses at its door (corral serve's HTTP and WebSocket guard, the desktop window's
// IPC sender check and session permissions) goes into the audit log like any other denial,
// without letting a client that hammers the door flood the log.
import type { AuditEventInput, AuditKind } from '../audit-event/event.ts';

/** Refusals of one kind are audited at once, then summed and recorded every this often. */
const FLUSH_MS = 5000;

export interface RefusalRecorder {
  /**
   * Records that `what` (a request, a call, a permission) from `from` was refused, and why;
   * `kind` is the audit kind of what was asked (default `net`: a request).
   */
  refuse(what: string, from: string, reason: string, kind?: AuditKind): void;
  /** Records the repeats still counted and stops the timer (at shutdown). */
  flush(): void;
}

/**
 * Audits refusals as ext `corral`, layer `host`, op `door.op`: the first of each kind
 * at once, repeats summed and recorded every few seconds, so that nothing is lost either.
 */
export function refusalRecorder(
  audit: (e: AuditEventInput) => void,
  door: { op: string; who: string },
): RefusalRecorder {
  const counted = new Map<string, { target: string; reason: string; kind: AuditKind; n: number }>();
  const record = (target: string, reason: string, kind: AuditKind) =>
    audit({
      ext: 'corral',
      layer: 'host',
      kind,
      op: door.op,
      target,
      decision: 'deny',
      reason: `${door.who} refused it: ${reason}`,
    });
  const flushRepeats = () => {
    for (const { target, reason, kind, n } of counted.values())
      if (n > 0) record(target, `${reason} (${n} more like it)`, kind);
    counted.clear();
  };
  const timer = setInterval(flushRepeats, FLUSH_MS);
  timer.unref();
  return {
    refuse(what, from, reason, kind = 'net') {
      const key = `${kind}\n${what}\n${reason}`;
      const seen = counted.get(key);
      if (seen) {
        seen.n++;
        return;
      }
      counted.set(key, { target: `${what} from ${from}`, reason, kind, n: 0 });
      record(`${what} from ${from}`, reason, kind);
    },
    flush() {
      flushRepeats();
      clearInterval(timer);
    },
  };
}
