// The audit event (contracts section 5, event version 2): one schema, shared by every writer and
// reader. Version 2 (issue 13) separates what the policy decided from what happened: `decision`
// is the policy's answer to something the extension asked for, and only a policy refusal is a
// `deny`; `outcome` says how a lifecycle step, a limit or an allowed access that then failed came
// out. Version 1 events (no `v`, always a `decision`, crashes and timeouts written as `deny`) stay
// readable as they were written: the hash chain covers them byte for byte (docs/audit.md).
import * as z from 'zod';

/** The event version this code writes (`v`); an event without `v` is version 1. */
export const AUDIT_EVENT_VERSION = 2;

export const auditLayerSchema = z.enum(['broker', 'kernel', 'host']);
export const auditKindSchema = z.enum([
  'fs',
  'net',
  'ipc',
  'process',
  'limit',
  'permission',
  'lifecycle',
]);
export const auditDecisionSchema = z.enum(['allow', 'deny']);
/**
 * ok: it happened as asked; failed: it could not be done (a start, a call after the policy allowed
 * it); crashed: the extension stopped unexpectedly; timeout: a time limit ended it; limit: another
 * limit was hit or something was dropped for one; alert: an alert rule fired.
 */
export const auditOutcomeSchema = z.enum(['ok', 'failed', 'crashed', 'timeout', 'limit', 'alert']);

const eventShape = z
  .object({
    /** 2 for this version; absent for version 1. */
    v: z.literal(AUDIT_EVENT_VERSION).optional(),
    seq: z.number().int().nonnegative(),
    ts: z.string(),
    ext: z.string(),
    layer: auditLayerSchema,
    kind: auditKindSchema,
    op: z.string(),
    target: z.string(),
    /** The policy's answer to a request of the extension; only a policy refusal is `deny`. */
    decision: auditDecisionSchema.optional(),
    /** How it came out: lifecycle steps, limits, alerts, and allowed accesses that then failed. */
    outcome: auditOutcomeSchema.optional(),
    reason: z.string(),
    durationUs: z.number().nonnegative().optional(),
  })
  .strict();

const SAYS_SOMETHING = {
  message: 'an audit event needs a decision, an outcome, or both',
  path: ['decision'],
};
const saysSomething = (e: { decision?: unknown; outcome?: unknown }) =>
  e.decision !== undefined || e.outcome !== undefined;

export const auditEventSchema = eventShape.refine(saysSomething, SAYS_SOMETHING);

export type AuditEvent = z.infer<typeof auditEventSchema>;
export type AuditKind = z.infer<typeof auditKindSchema>;
export type AuditDecision = z.infer<typeof auditDecisionSchema>;
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;
/** What a producer supplies; the sink stamps `v`, `seq` and `ts`. */
export type AuditEventInput = Omit<AuditEvent, 'v' | 'seq' | 'ts'>;

/** What a producer supplies, checked: the event without the `v`, `seq` and `ts` the sink stamps. */
export const auditEventInputSchema = eventShape
  .omit({ v: true, seq: true, ts: true })
  .refine(saysSomething, SAYS_SOMETHING);

/**
 * Whether an event is a policy refusal: a `deny` decision. A version 1 event wrote `deny` for
 * crashes, timeouts, limits and failed starts too; those (kinds `lifecycle` and `limit`) are not
 * counted, so denial rates read the same over old and new events.
 */
export function isPolicyDenial(e: Pick<AuditEvent, 'v' | 'kind' | 'decision'>): boolean {
  return policyDecision(e) === 'deny';
}

/** The policy's decision in an event: none for a version 1 lifecycle or limit event (see above). */
export function policyDecision(
  e: Pick<AuditEvent, 'v' | 'kind' | 'decision'>,
): AuditDecision | undefined {
  const legacy = e.v === undefined && (e.kind === 'lifecycle' || e.kind === 'limit');
  return legacy ? undefined : e.decision;
}

const LAYERS: ReadonlySet<string> = new Set(auditLayerSchema.options);
const KINDS: ReadonlySet<string> = new Set(auditKindSchema.options);
const OUTCOMES: ReadonlySet<string> = new Set(auditOutcomeSchema.options);
const INPUT_KEYS: ReadonlySet<string> = new Set(
  Object.keys(eventShape.shape).filter((k) => k !== 'v' && k !== 'seq' && k !== 'ts'),
);

/**
 * A quick check that `x` is an event input, for the store's hot path (a zod parse costs about
 * as much as hashing the event). It accepts only what auditEventInputSchema accepts (a property
 * test holds it to that); whatever it refuses goes through the schema for the error message.
 */
export function isAuditEventInput(x: unknown): x is AuditEventInput {
  if (typeof x !== 'object' || x === null) return false;
  for (const key of Object.keys(x)) if (!INPUT_KEYS.has(key)) return false;
  const e = x as Record<string, unknown>;
  return (
    typeof e.ext === 'string' &&
    typeof e.layer === 'string' &&
    LAYERS.has(e.layer) &&
    typeof e.kind === 'string' &&
    KINDS.has(e.kind) &&
    typeof e.op === 'string' &&
    typeof e.target === 'string' &&
    (e.decision === undefined || e.decision === 'allow' || e.decision === 'deny') &&
    (e.outcome === undefined || (typeof e.outcome === 'string' && OUTCOMES.has(e.outcome))) &&
    (e.decision !== undefined || e.outcome !== undefined) &&
    typeof e.reason === 'string' &&
    (e.durationUs === undefined ||
      (typeof e.durationUs === 'number' && Number.isFinite(e.durationUs) && e.durationUs >= 0))
  );
}
