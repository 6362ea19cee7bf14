// What the host pushes to every connected UI, unasked: live audit events, prompts, state changes,
// metrics and alerts. Each UI sees the same stream, so two windows always agree.
import * as z from 'zod';
import { auditEventSchema } from '../audit-event/event.ts';
import {
  alertSchema,
  extensionIdSchema,
  extensionLogLineSchema,
  extensionSummarySchema,
  promptClosedSchema,
  promptSchema,
  resourceUseSchema,
} from './entities.ts';
import {
  devLogLineSchema,
  devOutputSchema,
  devQuestionSchema,
  devSessionIdSchema,
  devSessionSchema,
} from './dev.ts';

/** At most this many events in one onAuditEvents batch (the host sends several when busier). */
export const AUDIT_BATCH_MAX = 2000;

export const events = {
  /**
   * New audit events in seq order. A UI that finds a gap between its last seq and this batch's
   * first (it fell behind and the host dropped its backlog) reads the gap with `audit.query
   * {afterSeq}`: nothing is lost.
   */
  onAuditEvents: z.strictObject({
    events: z.array(auditEventSchema).min(1).max(AUDIT_BATCH_MAX),
  }),
  /** A new question, or one that changed (more identical requests, countdown stopped). */
  onPrompt: promptSchema,
  /** A question that no longer waits, wherever it was answered. */
  onPromptClosed: promptClosedSchema,
  /** An extension that changed (state, version, grants), or was removed. */
  onExtensionState: z.union([
    z.strictObject({ extension: extensionSummarySchema }),
    z.strictObject({ id: extensionIdSchema, removed: z.literal(true) }),
  ]),
  /** Lines of an extension's own output and log notifications. */
  onExtensionLog: z.strictObject({
    id: extensionIdSchema,
    lines: z.array(extensionLogLineSchema).min(1).max(500),
  }),
  /** Resource use of the running extensions, about once a second. */
  onMetrics: z.strictObject({
    ts: z.string(),
    resources: z.array(z.strictObject({ id: extensionIdSchema, use: resourceUseSchema })),
  }),
  /** An alert rule fired (also recorded as an audit event). */
  onAlert: alertSchema,
  /** What a debug session's terminal printed (filtered), a few times a second at most. */
  onDevOutput: devOutputSchema,
  /** Lines of a debug session's inline log (accesses with their debug mark, reloads, lint). */
  onDevLog: z.strictObject({
    session: devSessionIdSchema,
    lines: z.array(devLogLineSchema).min(1).max(500),
  }),
  /** A debug session that changed (started, reloaded, lint failed, crashed, stopped). */
  onDevState: devSessionSchema,
  /** The extension's question in a debug session, or null once it is answered or gone. */
  onDevQuestion: z.strictObject({
    session: devSessionIdSchema,
    question: devQuestionSchema.nullable(),
  }),
};

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}
