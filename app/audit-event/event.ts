// The audit event (contracts section 5): one schema, shared by every writer and reader.
import * as z from 'zod';

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

export const auditEventSchema = z
  .object({
    seq: z.number().int().nonnegative(),
    ts: z.string(),
    ext: z.string(),
    layer: auditLayerSchema,
    kind: auditKindSchema,
    op: z.string(),
    target: z.string(),
    decision: z.enum(['allow', 'deny']),
    reason: z.string(),
    durationUs: z.number().nonnegative().optional(),
  })
  .strict();

export type AuditEvent = z.infer<typeof auditEventSchema>;
/** What a producer supplies; the sink stamps `seq` and `ts`. */
export type AuditEventInput = Omit<AuditEvent, 'seq' | 'ts'>;

/** What a producer supplies, checked: the event without the `seq` and `ts` the sink stamps. */
export const auditEventInputSchema = auditEventSchema.omit({ seq: true, ts: true });

const LAYERS: ReadonlySet<string> = new Set(auditLayerSchema.options);
const KINDS: ReadonlySet<string> = new Set(auditKindSchema.options);
const INPUT_KEYS: ReadonlySet<string> = new Set(Object.keys(auditEventInputSchema.shape));

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
    (e.decision === 'allow' || e.decision === 'deny') &&
    typeof e.reason === 'string' &&
    (e.durationUs === undefined ||
      (typeof e.durationUs === 'number' && Number.isFinite(e.durationUs) && e.durationUs >= 0))
  );
}
