// How audit events are written out: JSON lines, CSV (RFC 4180, safe to open in a spreadsheet) and
// the human table of `corral log`. Pure: strings in, strings out.
import type { AuditEvent } from './event.ts';

export type ExportFormat = 'jsonl' | 'csv';

/**
 * The CSV columns, in order: the event's fields as contracts section 5 names them. Event version 2
 * added `outcome` (after `decision`) and `v` (last; empty for a version 1 event).
 */
export const CSV_COLUMNS = [
  'seq',
  'ts',
  'ext',
  'layer',
  'kind',
  'op',
  'target',
  'decision',
  'outcome',
  'reason',
  'durationUs',
  'v',
] as const;

/** One event as a JSON line (the on-disk format of `--audit FILE`). */
export function jsonLine(event: AuditEvent): string {
  return JSON.stringify(event) + '\n';
}

/** The CSV header line. RFC 4180 ends every record with CRLF. */
export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\r\n';
}

/** One event as a CSV record. */
export function csvRow(event: AuditEvent): string {
  return (
    CSV_COLUMNS.map((c) => {
      const v = event[c];
      return v === undefined ? '' : typeof v === 'number' ? String(v) : csvCell(v);
    }).join(',') + '\r\n'
  );
}

// A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK, =cmd|…), and
// targets and reasons come from extensions: OWASP "CSV Injection" says prefix such cells with a
// quote. Tab and carriage return are on OWASP's list too.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A text cell: neutralised if a spreadsheet would take it for a formula, quoted per RFC 4180. */
export function csvCell(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

// Targets and reasons are chosen by extensions: a file name holding ESC [ … would drive the
// reader's terminal, and bidirectional overrides would make text display other than it reads
// (CVE-2021-42574, "Trojan Source"). The table shows them as escapes instead.
const UNSAFE_FOR_TERMINAL =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with control and bidi characters written as \xNN or \u{NNNN}. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

const TABLE_WIDTHS = { ts: 24, ext: 24, layer: 6, kind: 10, op: 12, target: 40, result: 12 };

/** The header of `corral log`'s table. */
export function tableHeader(): string {
  return tableLine(['time', 'ext', 'layer', 'kind', 'op', 'target', 'result', 'reason']);
}

/** One event as a row of `corral log`'s table: fixed columns (so it streams), reason last. */
export function tableRow(e: AuditEvent): string {
  return tableLine(
    [e.ts, e.ext, e.layer, e.kind, e.op, e.target, resultOf(e), e.reason].map(terminalSafe),
  );
}

/** The decision, the outcome, or both ("allow/failed": allowed, then it failed). */
export function resultOf(e: Pick<AuditEvent, 'decision' | 'outcome'>): string {
  return [e.decision, e.outcome].filter((x) => x !== undefined).join('/');
}

function tableLine(cells: string[]): string {
  const widths = Object.values(TABLE_WIDTHS);
  const fixed = widths.map((w, i) => fit(cells[i]!, w));
  return `${fixed.join('  ')}  ${cells[widths.length]}`.trimEnd() + '\n';
}

/** `s` padded or cut to `width` characters; a cut keeps the end, where paths differ. */
function fit(s: string, width: number): string {
  const chars = [...s];
  if (chars.length <= width) return s + ' '.repeat(width - chars.length);
  return '…' + chars.slice(chars.length - width + 1).join('');
}
