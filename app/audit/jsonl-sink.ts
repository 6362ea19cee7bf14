// Appends audit events to a file as JSON lines, numbering them in order.
import { closeSync, openSync, readSync, fstatSync, writeSync, constants } from 'node:fs';
import type { AuditEvent, AuditEventInput } from '../audit-event/event.ts';

/** Where audit events go: a JSON-lines file, memory, or the audit store (store.ts). */
export interface AuditSink {
  /**
   * Records one event; the sink stamps `ts` and numbers it (`seq`). The audit store numbers
   * events when their batch commits, so the numbered event is not returned here: readers and
   * subscribers see it.
   */
  record(event: AuditEventInput): void;
  close(): void;
}

/**
 * A sink writing each event at once with O_APPEND, so several writers to one file interleave
 * whole lines and an event is on disk even if the process is killed right after.
 */
export function openJsonlSink(
  file: string,
  now: () => Date = () => new Date(),
): AuditSink & { record(event: AuditEventInput): AuditEvent } {
  const fd = openSync(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
  let seq = nextSeq(fd);
  return {
    record(input) {
      const event: AuditEvent = { seq: seq++, ts: now().toISOString(), ...input };
      writeSync(fd, JSON.stringify(event) + '\n');
      return event;
    },
    close() {
      closeSync(fd);
    },
  };
}

/** A sink that keeps events in memory (for callers that only want the list). */
export function memorySink(
  now: () => Date = () => new Date(),
): AuditSink & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return {
    events,
    record(input) {
      const event: AuditEvent = { seq: events.length, ts: now().toISOString(), ...input };
      events.push(event);
      return event;
    },
    close() {},
  };
}

/** Continues the numbering of an existing log: one more than the last event's `seq`. */
function nextSeq(fd: number): number {
  const size = fstatSync(fd).size;
  if (size === 0) return 0;
  const tail = Buffer.alloc(Math.min(size, 65536));
  readSync(fd, tail, 0, tail.length, size - tail.length);
  const lines = tail.toString('utf8').trimEnd().split('\n');
  try {
    const last = JSON.parse(lines[lines.length - 1] ?? '') as { seq?: unknown };
    return typeof last.seq === 'number' ? last.seq + 1 : 0;
  } catch {
    return 0; // a torn last line (killed mid-write): numbering restarts rather than failing the run
  }
}
