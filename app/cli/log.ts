// `corral log`: reads, follows, exports or verifies the audit log (contracts section 3). Reads the
// audit store by default, or any store or JSON-lines file given with --file.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliIO } from './io.ts';
import type { ParsedArgs } from './args.ts';
import { command, usageFailure } from './command.ts';
import { logSpec } from './specs.ts';
import { auditEventSchema, type AuditEvent } from '../audit-event/event.ts';
import {
  MAX_PAGE,
  auditFilterSchema,
  matchesFilter,
  parseTimeBound,
  type ParsedFilter,
} from '../audit-event/filter.ts';
import {
  csvHeader,
  csvRow,
  jsonLine,
  tableHeader,
  tableRow,
} from '../audit-event/export-format.ts';
import type { AuditStore } from '../audit/store.ts';
import { ServiceError } from '../service/services.ts';
import { defaultAuditStore } from '../platform/corral-dirs.ts';

/** Events shown before following when --limit is not given, as `tail -f` does. */
const FOLLOW_BACKLOG = 10;
const JSONL_POLL_MS = 250;

type Output = 'table' | 'jsonl' | 'csv';

export interface LogArgs {
  flags: ParsedArgs<typeof logSpec>['options'];
  filter: ParsedFilter;
  limit: number | undefined;
  output: Output;
  file: string | undefined;
}

/**
 * Checks `corral log`'s options together (args.ts parsed each one): the output format, --verify
 * alone, the kind, the times. An error is one line naming the option and the fix.
 */
export function logArgs(
  o: ParsedArgs<typeof logSpec>['options'],
  now: Date = new Date(),
): { ok: true; value: LogArgs } | { ok: false; error: string } {
  if (o.json && o.csv)
    return { ok: false, error: '--json and --csv both given; fix: choose one output format' };
  const others = Object.entries(o).filter(
    ([k, v]) => k !== 'verify' && k !== 'file' && v !== undefined && v !== false,
  );
  if (o.verify && others.length > 0)
    return {
      ok: false,
      error:
        '--verify checks the whole log and takes no other option but --file; fix: give it alone',
    };
  const times: { since?: string; until?: string } = {};
  for (const name of ['since', 'until'] as const) {
    const text = o[name];
    if (text === undefined) continue;
    const t = parseTimeBound(text, now);
    if (t === null)
      return {
        ok: false,
        error: `--${name} ${text} is neither a date and time nor a duration back from now; fix: write 2026-11-25T21:00:00Z, or 30s, 15m, 2h, 7d`,
      };
    times[name] = t;
  }
  const given = Object.entries({
    ext: o.ext,
    kind: o.kind,
    decision: o.decision,
    outcome: o.outcome,
    ...times,
  });
  const filter = auditFilterSchema.parse(
    Object.fromEntries(given.filter(([, v]) => v !== undefined)),
  );
  const output: Output = o.json ? 'jsonl' : o.csv ? 'csv' : 'table';
  return { ok: true, value: { flags: o, filter, limit: o.limit, output, file: o.file } };
}

export const logCommand = command(logSpec, async ({ options }, io, services) => {
  const parsed = logArgs(options);
  if (!parsed.ok) return usageFailure(io, logSpec, parsed.error);
  const args = parsed.value;
  const file = args.file !== undefined ? resolve(io.cwd, args.file) : defaultAuditStore(io.env);
  if (!existsSync(file)) {
    io.stderr(
      args.file !== undefined
        ? `corral log: ${file} does not exist; fix: give the audit store (.db) or a JSON-lines file written with --audit\n`
        : `corral log: no audit log at ${file} yet (corral run writes it); fix: run an extension first, or give --file PATH\n`,
    );
    return 1;
  }
  if (!isSqlite(file)) return logJsonLines(file, args, io);
  let store: AuditStore;
  try {
    store = services.auditReader(file);
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    io.stderr(`corral log: ${e.message}\n`);
    return 1;
  }
  // The services root, which opened the store, closes it.
  if (args.flags.verify) return verify(store, io);
  const print = printer(args.output, io);
  const backlog = args.limit ?? (args.flags.follow ? FOLLOW_BACKLOG : undefined);
  const head = store.headSeq();
  const upto = { ...args.filter, beforeSeq: head + 1 };
  if (backlog === undefined) {
    if (args.output === 'csv') io.stdout(csvHeader());
    for (const page of store.pages(upto)) print.events(page);
  } else {
    if (args.output === 'csv') io.stdout(csvHeader());
    print.events(newest(store, upto, backlog).reverse());
  }
  if (args.flags.follow) await follow(store, args.filter, head, print, io);
  return 0;
});

function verify(store: AuditStore, io: CliIO): number {
  const r = store.verify();
  if (!r.ok) {
    io.stdout(
      `chain broken at seq ${r.brokenSeq}: ${r.reason} (${r.events} events before it verified)\n`,
    );
    return 1;
  }
  const span = r.firstSeq === null ? '' : ` (seq ${r.firstSeq}..${r.lastSeq})`;
  const anchor =
    r.anchorSeq >= 0 ? `, continuing from seq ${r.anchorSeq} (older events removed)` : '';
  io.stdout(`chain intact: ${r.events} events${span}${anchor}; head sha256 ${r.headHash}\n`);
  return 0;
}

/** The newest `count` matching events, newest first, read a page at a time. */
function newest(store: AuditStore, filter: ParsedFilter, count: number): AuditEvent[] {
  const out: AuditEvent[] = [];
  let before = filter.beforeSeq;
  while (out.length < count) {
    const page = store.query({
      ...filter,
      beforeSeq: before,
      limit: Math.min(MAX_PAGE, count - out.length),
      order: 'desc',
    });
    out.push(...page);
    if (page.length === 0) break;
    before = page[page.length - 1]!.seq;
  }
  return out;
}

interface Printer {
  events(events: AuditEvent[]): void;
}

/** Writes events in the chosen format; the table header and CSV header go out once. */
function printer(output: Output, io: CliIO): Printer {
  let headed = false;
  return {
    events(events) {
      if (output === 'table' && !headed) {
        io.stdout(tableHeader());
        headed = true;
      }
      if (events.length === 0) return;
      const line = output === 'table' ? tableRow : output === 'csv' ? csvRow : jsonLine;
      io.stdout(events.map(line).join(''));
    },
  };
}

/** Streams new matching events until SIGINT or SIGTERM. */
async function follow(
  store: AuditStore,
  filter: ParsedFilter,
  afterSeq: number,
  print: Printer,
  io: CliIO,
): Promise<void> {
  await new Promise<void>((done) => {
    const sub = store.subscribe(
      filter,
      (batch) => {
        if (batch.missed)
          io.stderr(
            `corral log: ${batch.missed.count} events (seq ${batch.missed.fromSeq}..${batch.missed.toSeq}) were removed by retention before they could be shown\n`,
          );
        print.events(batch.events);
      },
      { afterSeq, maxDelayMs: 20 },
    );
    void io.untilSignal().then(() => {
      sub.close();
      done();
    });
  });
}

/** Whether `file` starts with SQLite's magic header. */
function isSqlite(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    return readSync(fd, head, 0, 16, 0) === 16 && head.toString('latin1') === 'SQLite format 3\0';
  } finally {
    closeSync(fd);
  }
}

/** A JSON-lines log (corral exec --audit FILE): filtered in memory; --follow polls for growth. */
async function logJsonLines(file: string, args: LogArgs, io: CliIO): Promise<number> {
  if (args.flags.verify) {
    io.stderr(
      `corral log: ${file} holds JSON lines, which carry no hash chain; --verify checks an audit store (.db)\n`,
    );
    return 1;
  }
  const print = printer(args.output, io);
  if (args.output === 'csv') io.stdout(csvHeader());
  let offset = 0;
  let skipped = 0;
  /** The complete lines added since `offset`, as events that pass the filter. */
  const readNew = (): AuditEvent[] => {
    const size = statSync(file).size;
    if (size <= offset) return [];
    const buf = Buffer.alloc(size - offset);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, buf.length, offset);
    } finally {
      closeSync(fd);
    }
    const end = buf.lastIndexOf(0x0a);
    if (end === -1) return [];
    offset += end + 1;
    const out: AuditEvent[] = [];
    for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
      if (line === '') continue;
      let parsed;
      try {
        parsed = auditEventSchema.safeParse(JSON.parse(line));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) skipped++;
      else if (matchesFilter(parsed.data, args.filter)) out.push(parsed.data);
    }
    return out;
  };
  const all = readNew();
  const backlog = args.limit ?? (args.flags.follow ? FOLLOW_BACKLOG : undefined);
  print.events(backlog === undefined ? all : all.slice(-backlog));
  if (skipped > 0)
    io.stderr(`corral log: ${file}: ${skipped} lines are not audit events; they were skipped\n`);
  if (!args.flags.follow) {
    if (statSync(file).size > offset)
      io.stderr(
        `corral log: ${file}: the last line is incomplete (its writer stopped mid-line); it was skipped\n`,
      );
    return 0;
  }
  const timer = setInterval(() => print.events(readNew()), JSONL_POLL_MS);
  await io.untilSignal();
  clearInterval(timer);
  return 0;
}
