// Which audit events a reader wants (by extension, layer, kind, decision, time and seq) and one
// page of them; the SQL these compile to. Pure: no database here.
import * as z from 'zod';
import {
  auditDecisionSchema,
  auditKindSchema,
  auditLayerSchema,
  auditOutcomeSchema,
  policyDecision,
  type AuditEvent,
} from './event.ts';

/** The most events one page may hold: a page is built in memory and crosses IPC to the UI. */
export const MAX_PAGE = 10_000;

const timestamp = z
  .string()
  .refine(
    (s) => !Number.isNaN(Date.parse(s)),
    'expected a date and time, e.g. 2026-11-25T21:04:05Z',
  )
  .transform((s) => new Date(s).toISOString());

export const auditFilterSchema = z
  .object({
    ext: z.string().min(1).optional(),
    layer: auditLayerSchema.optional(),
    kind: auditKindSchema.optional(),
    /** The policy's decision (a version 1 lifecycle or limit event has none: see event.ts). */
    decision: auditDecisionSchema.optional(),
    /** How it came out (event version 2). */
    outcome: auditOutcomeSchema.optional(),
    /** Events at or after this time. */
    since: timestamp.optional(),
    /** Events before this time. */
    until: timestamp.optional(),
    /** Events with a larger seq (paging forward). */
    afterSeq: z.number().int().min(-1).optional(),
    /** Events with a smaller seq (paging back, newest first). */
    beforeSeq: z.number().int().nonnegative().optional(),
    /** Text found in op, target or reason, ignoring case (the Access log's search box). */
    text: z.string().min(1).max(200).optional(),
  })
  .strict();

export const auditQuerySchema = auditFilterSchema.extend({
  limit: z.number().int().min(1).max(MAX_PAGE).default(50),
  order: z.enum(['asc', 'desc']).default('desc'),
});

export type AuditFilter = z.input<typeof auditFilterSchema>;
export type AuditQuery = z.input<typeof auditQuerySchema>;
export type ParsedFilter = z.output<typeof auditFilterSchema>;

/** A seq interval [min, max]; the store turns a time range into one (ts never decreases with seq). */
export interface SeqRange {
  min?: number;
  max?: number;
}

/**
 * The SQL of isPolicyDenial (event.ts): a `deny` decision, except a version 1 lifecycle or limit
 * event's. It names `decision = 'deny'`, so the partial denial indexes serve it.
 */
export const POLICY_DENIAL_SQL = `(decision = 'deny' AND (v IS NOT NULL OR kind NOT IN ('lifecycle', 'limit')))`;

/**
 * The WHERE clause (without the keyword; "1" when empty) and its parameters. Enum values are
 * written as literals, never bound: SQLite uses a partial index (decision = 'deny') only when the
 * query names the literal.
 */
export function whereClause(
  f: ParsedFilter,
  range: SeqRange = {},
): { sql: string; params: unknown[] } {
  const terms: string[] = [];
  const params: unknown[] = [];
  if (f.ext !== undefined) {
    terms.push('ext = ?');
    params.push(f.ext);
  }
  if (f.layer !== undefined) terms.push(`layer = '${auditLayerSchema.parse(f.layer)}'`);
  if (f.kind !== undefined) terms.push(`kind = '${auditKindSchema.parse(f.kind)}'`);
  if (f.decision !== undefined)
    terms.push(
      f.decision === 'deny'
        ? POLICY_DENIAL_SQL
        : `(decision = 'allow' AND (v IS NOT NULL OR kind NOT IN ('lifecycle', 'limit')))`,
    );
  if (f.outcome !== undefined) terms.push(`outcome = '${auditOutcomeSchema.parse(f.outcome)}'`);
  if (f.text !== undefined) {
    // instr on lower-cased text: no LIKE wildcards to escape. SQLite lowers ASCII letters only,
    // so matchesFilter below does the same for logs read into memory.
    terms.push('(instr(lower(op), ?) OR instr(lower(target), ?) OR instr(lower(reason), ?))');
    const needle = asciiLower(f.text);
    params.push(needle, needle, needle);
  }
  if (f.afterSeq !== undefined) {
    terms.push('seq > ?');
    params.push(f.afterSeq);
  }
  if (f.beforeSeq !== undefined) {
    terms.push('seq < ?');
    params.push(f.beforeSeq);
  }
  if (range.min !== undefined) {
    terms.push('seq >= ?');
    params.push(range.min);
  }
  if (range.max !== undefined) {
    terms.push('seq <= ?');
    params.push(range.max);
  }
  return { sql: terms.length ? terms.join(' AND ') : '1', params };
}

/** Whether `e` passes the filter (for logs read into memory, such as JSON-lines files). */
export function matchesFilter(e: AuditEvent, f: ParsedFilter): boolean {
  return (
    (f.ext === undefined || e.ext === f.ext) &&
    (f.layer === undefined || e.layer === f.layer) &&
    (f.kind === undefined || e.kind === f.kind) &&
    (f.decision === undefined || policyDecision(e) === f.decision) &&
    (f.outcome === undefined || e.outcome === f.outcome) &&
    (f.since === undefined || e.ts >= f.since) &&
    (f.until === undefined || e.ts < f.until) &&
    (f.afterSeq === undefined || e.seq > f.afterSeq) &&
    (f.beforeSeq === undefined || e.seq < f.beforeSeq) &&
    (f.text === undefined ||
      [e.op, e.target, e.reason].some((s) => asciiLower(s).includes(asciiLower(f.text!))))
  );
}

/** Lower-cases A–Z only, as SQLite's lower() does. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

const DURATION = /^(\d+)(s|m|h|d|w)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * `--since` / `--until` as a person types them: an ISO date and time ("2026-11-25",
 * "2026-11-25T21:04:05Z") or a duration back from now ("30s", "15m", "2h", "7d", "1w").
 * Returns the ISO time, or null when the text is neither.
 */
export function parseTimeBound(text: string, now: Date = new Date()): string | null {
  const d = DURATION.exec(text);
  if (d) {
    const ms = Number(d[1]) * UNIT_MS[d[2] as keyof typeof UNIT_MS];
    return new Date(now.getTime() - ms).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
