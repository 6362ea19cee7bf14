// The Access log's rows in memory: the newest events that match the filter, oldest first, capped,
// and the filter itself (the same test the host applies, so live events agree with pages read).
import {
  auditQueryInputSchema,
  policyDecision,
  type AuditQueryInput,
  type EventPayload,
} from '../../../app/contract/index.ts';

export type AuditEventView = EventPayload<'onAuditEvents'>['events'][number];
export type AuditLayer = AuditEventView['layer'];
export type AuditKind = AuditEventView['kind'];
export type AuditDecision = AuditEventView['decision'];

export const AUDIT_LAYERS: readonly AuditLayer[] =
  auditQueryInputSchema.shape.layer.unwrap().options;
export const AUDIT_KINDS: readonly AuditKind[] = auditQueryInputSchema.shape.kind.unwrap().options;

/**
 * The most rows kept. The whole page with 100,000 events in them takes about 27 MB of JS heap in
 * Chromium (test/e2e/access-log-heap.test.ts measures it), well inside the 150 MB budget; older
 * events stay in the host's store and are read again by scrolling back, or exported.
 */
export const MAX_ROWS = 100_000;

/** Rows read per request: the contract's page cap. */
export const PAGE_LIMIT = 10_000;

export interface AuditFilterView {
  ext?: string;
  layer?: AuditLayer;
  kind?: AuditKind;
  decision?: AuditDecision;
  /** Matched case-insensitively against op, target and reason; empty matches everything. */
  text: string;
}

export const NO_FILTER: AuditFilterView = { text: '' };

/** The filter as `audit.query` and `audit.export` take it. */
export function filterInput(f: AuditFilterView): Omit<AuditQueryInput, 'limit'> {
  const input: Omit<AuditQueryInput, 'limit'> = {};
  if (f.ext) input.ext = f.ext;
  if (f.layer) input.layer = f.layer;
  if (f.kind) input.kind = f.kind;
  if (f.decision) input.decision = f.decision;
  const text = f.text.trim();
  if (text) input.text = text;
  return input;
}

/** Whether a live event belongs in the rows under `f`. */
export function matchesAuditFilter(e: AuditEventView, f: AuditFilterView): boolean {
  if (f.ext && e.ext !== f.ext) return false;
  if (f.layer && e.layer !== f.layer) return false;
  if (f.kind && e.kind !== f.kind) return false;
  if (f.decision && policyDecision(e) !== f.decision) return false;
  const text = f.text.trim().toLowerCase();
  if (!text) return true;
  return (
    e.op.toLowerCase().includes(text) ||
    e.target.toLowerCase().includes(text) ||
    e.reason.toLowerCase().includes(text)
  );
}

/**
 * `rows` with `newer` (ascending, every seq above the last row's) added at the end, cut to the
 * newest `cap`. Returns the rows and whether older ones were cut.
 */
export function appendNewer(
  rows: readonly AuditEventView[],
  newer: readonly AuditEventView[],
  cap: number = MAX_ROWS,
): { rows: AuditEventView[]; cut: boolean } {
  const total = rows.length + newer.length;
  if (total <= cap) return { rows: rows.concat(newer), cut: false };
  const drop = total - cap;
  if (drop >= rows.length) return { rows: newer.slice(newer.length - cap), cut: true };
  return { rows: rows.slice(drop).concat(newer), cut: true };
}
