// What every audit sink does to an event before it keeps it: the same check (the quick one, then
// the schema for the message), strings made well-formed and capped, so that the JSON-lines file and
// the store never disagree about what an event may hold.
import {
  auditEventInputSchema,
  isAuditEventInput,
  type AuditEventInput,
} from '../audit-event/event.ts';

/** A field longer than this is cut (saying how much): an event never carries a whole file. */
export const MAX_FIELD_CHARS = 8192;

/** The input checked against the schema, its strings well-formed and capped. */
export function cleanInput(
  input: AuditEventInput,
  Refusal: new (message: string) => Error,
): AuditEventInput {
  let i = input;
  if (!isAuditEventInput(input)) {
    const parsed = auditEventInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Refusal(
        `audit event refused: ${issue.path.join('.') || 'event'}: ${issue.message}`,
      );
    }
    i = parsed.data;
  }
  const e: AuditEventInput = {
    ext: text(i.ext),
    layer: i.layer,
    kind: i.kind,
    op: text(i.op),
    target: text(i.target),
    reason: text(i.reason),
  };
  if (i.decision !== undefined) e.decision = i.decision;
  if (i.outcome !== undefined) e.outcome = i.outcome;
  if (i.durationUs !== undefined) e.durationUs = i.durationUs;
  return e;
}

/**
 * A lone UTF-16 surrogate cannot be stored as UTF-8 (SQLite would keep U+FFFD and the hash would
 * no longer match), so it becomes U+FFFD before hashing; overlong text is cut, saying so.
 */
function text(s: string): string {
  const cut =
    s.length <= MAX_FIELD_CHARS
      ? s
      : `${s.slice(0, MAX_FIELD_CHARS)}… (${s.length - MAX_FIELD_CHARS} more characters cut)`;
  return (cut as unknown as { toWellFormed(): string }).toWellFormed();
}
