// The events every connected UI receives, the same for all: each is checked against the contract
// before it leaves, and the chatty ones are batched (audit events in seq order, up to the
// contract's batch size; extension output a few times a second), so a flood costs the UIs a few
// messages, not one per line.
import { AUDIT_BATCH_MAX, events, type EventName, type EventPayload } from '../contract/index.ts';
import type { AuditEvent } from '../audit-event/event.ts';
import type { ExtensionLogLine } from '../contract/index.ts';
import { logEntry } from '../platform/log.ts';
import type { EventSink, UiSession } from './host-service.ts';

/** How long extension output waits to be sent with more (a flood is a few messages a second). */
const LOG_FLUSH_MS = 100;
/** The most lines of one extension's output in one onExtensionLog event (the contract's cap). */
const LOG_BATCH_MAX = 500;

export class EventHub {
  private readonly sinks = new Map<string, { session: UiSession; sink: EventSink }>();
  private readonly pendingLogs = new Map<string, ExtensionLogLine[]>();
  private logTimer: NodeJS.Timeout | null = null;

  /** Adds a UI; returns the function that removes it. */
  connect(session: UiSession, sink: EventSink): () => void {
    this.sinks.set(session.id, { session, sink });
    return () => this.sinks.delete(session.id);
  }

  /** How many UIs are connected (the desktop shows a notification when none can see a prompt). */
  get size(): number {
    return this.sinks.size;
  }

  /** Sends one event to every UI, after checking it against the contract. */
  publish<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = events[name].safeParse(payload);
    if (!checked.success) {
      // A host bug: the UI would refuse it anyway. Logged with the detail, never sent.
      logEntry({
        level: 'error',
        component: 'host-service',
        context: `event ${name} does not fit the contract`,
        error: checked.error.issues[0]?.message,
      });
      return;
    }
    for (const { session, sink } of this.sinks.values()) {
      try {
        sink(name, checked.data as EventPayload<E>);
      } catch (e) {
        logEntry({
          level: 'error',
          component: 'host-service',
          context: `sending ${name} to ${session.label}`,
          error: e,
        });
      }
    }
  }

  /** New audit events, in seq order, in batches of at most AUDIT_BATCH_MAX. */
  auditEvents(batch: readonly AuditEvent[]): void {
    for (let i = 0; i < batch.length; i += AUDIT_BATCH_MAX)
      this.publish('onAuditEvents', { events: batch.slice(i, i + AUDIT_BATCH_MAX) });
  }

  /** Lines of an extension's output, sent together a few times a second. */
  extensionLog(id: string, lines: ExtensionLogLine[]): void {
    const pending = this.pendingLogs.get(id) ?? [];
    pending.push(...lines);
    this.pendingLogs.set(id, pending);
    this.logTimer ??= setTimeout(() => this.flushLogs(), LOG_FLUSH_MS);
  }

  /** Sends what waits now (and on close). */
  flushLogs(): void {
    if (this.logTimer) clearTimeout(this.logTimer);
    this.logTimer = null;
    for (const [id, lines] of this.pendingLogs) {
      for (let i = 0; i < lines.length; i += LOG_BATCH_MAX)
        this.publish('onExtensionLog', { id, lines: lines.slice(i, i + LOG_BATCH_MAX) });
    }
    this.pendingLogs.clear();
  }

  close(): void {
    this.flushLogs();
    this.sinks.clear();
  }
}
