// Appends audit events to a file as JSON lines, numbering them in order.
import { closeSync, openSync, readSync, fstatSync, writeSync, constants } from 'node:fs';
import {
  AUDIT_EVENT_VERSION,
  type AuditEvent,
  type AuditEventInput,
} from '../audit-event/event.ts';
import { cleanInput } from './clean-input.ts';

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

/** An event this sink cannot keep, or a log it cannot continue; the message is one line. */
export class JsonlSinkError extends Error {}

/**
 * A sink writing each event at once with O_APPEND, so several writers to one file interleave
 * whole lines and an event is on disk even if the process is killed right after. Events are
 * checked and capped as the store does (clean-input.ts).
 */
export function openJsonlSink(
  file: string,
  now: () => Date = () => new Date(),
): AuditSink & { record(event: AuditEventInput): AuditEvent } {
  const fd = openSync(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
  const { seq: first, torn } = continueLog(fd, file);
  let seq = first;
  // A line cut by a kill stays as it was, ended here, so the next event starts a line of its own.
  if (torn) writeSync(fd, '\n');
  return {
    record(input) {
      const event: AuditEvent = {
        v: AUDIT_EVENT_VERSION,
        seq: seq++,
        ts: now().toISOString(),
        ...cleanInput(input, JsonlSinkError),
      };
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
      const event: AuditEvent = {
        v: AUDIT_EVENT_VERSION,
        seq: events.length,
        ts: now().toISOString(),
        ...cleanInput(input, JsonlSinkError),
      };
      events.push(event);
      return event;
    },
    close() {},
  };
}

/** The longest tail read to find where the numbering goes on (one event is at most ~33 KB). */
const TAIL_BYTES = 1 << 20;

/**
 * Where an existing log's numbering goes on: one more than the last whole event's `seq`, looking
 * past a torn last line (killed mid-write) instead of starting again at 0, which would number two
 * events alike. `torn`: the file does not end with a newline.
 */
function continueLog(fd: number, file: string): { seq: number; torn: boolean } {
  const size = fstatSync(fd).size;
  if (size === 0) return { seq: 0, torn: false };
  const tail = Buffer.alloc(Math.min(size, TAIL_BYTES));
  readSync(fd, tail, 0, tail.length, size - tail.length);
  const torn = tail[tail.length - 1] !== 0x0a;
  const lines = tail.toString('utf8').split('\n');
  if (tail.length < size) lines.shift(); // the first line of a partial tail may be cut
  for (let i = lines.length - 1; i >= 0; i--) {
    const seq = seqOf(lines[i]!);
    if (seq !== null) return { seq: seq + 1, torn };
  }
  throw new JsonlSinkError(
    `the audit log ${file} ends in ${Math.round(tail.length / 1024)} KB with no whole event, so its numbering cannot go on; fix: give a new file with --audit`,
  );
}

function seqOf(line: string): number | null {
  if (line.trim() === '') return null;
  try {
    const value = JSON.parse(line) as { seq?: unknown };
    return typeof value.seq === 'number' && Number.isSafeInteger(value.seq) && value.seq >= 0
      ? value.seq
      : null;
  } catch {
    return null;
  }
}
