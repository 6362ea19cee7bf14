// The audit event (contracts section 5): one schema, shared by every writer and reader.
import { z } from 'zod';

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
