// `corral log`: reads, follows, exports or verifies the audit log (contracts section 3). Reads the
// audit store by default, or any store or JSON-lines file given with --file.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliIO } from './io.ts';
import { parseOptions } from './options.ts';
import { auditEventSchema, auditKindSchema, type AuditEvent } from '../audit-event/event.ts';
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
import { ServiceError, type Services } from '../service/services.ts';
import { defaultAuditStore } from '../platform/corral-dirs.ts';

const USAGE =
  'corral log [--follow] [--ext ID] [--kind K] [--decision allow|deny] [--since T] [--until T] [--limit N] [--json|--csv] [--verify] [--file PATH]';
const FLAGS = ['follow', 'json', 'csv', 'verify'] as const;
const OPTIONS = ['ext', 'kind', 'decision', 'since', 'until', 'limit', 'file'] as const;
/** Events shown before following when --limit is not given, as `tail -f` does. */
const FOLLOW_BACKLOG = 10;
const JSONL_POLL_MS = 250;

type Flag = (typeof FLAGS)[number];
type Output = 'table' | 'jsonl' | 'csv';

export interface LogArgs {
  flags: Set<Flag>;
  filter: ParsedFilter;
  limit: number | undefined;
  output: Output;
  file: string | undefined;
}

/** Parses `corral log`'s arguments; an error is one line naming the option and the fix. */
export function parseLogArgs(
  argv: readonly string[],
  now: Date = new Date(),
): { ok: true; value: LogArgs } | { ok: false; error: string } {
  const flags = new Set<Flag>();
  const rest: string[] = [];
  for (const arg of argv) {
    const flag = arg.startsWith('--') ? (arg.slice(2) as Flag) : null;
    if (flag && FLAGS.includes(flag)) {
      if (flags.has(flag)) return { ok: false, error: `--${flag} given twice; give it once` };
      flags.add(flag);
    } else rest.push(arg);
  }
  const parsed = parseOptions(rest, OPTIONS, USAGE);
  if (!parsed.ok) return parsed;
  if (parsed.positional.length > 0)
    return { ok: false, error: `unexpected "${parsed.positional[0]}"; usage: ${USAGE}` };
  const o = parsed.options;
  if (flags.has('json') && flags.has('csv'))
    return { ok: false, error: '--json and --csv both given; choose one output format' };
  if (flags.has('verify') && (flags.size > 1 || Object.keys(o).some((k) => k !== 'file')))
    return {
      ok: false,
      error: '--verify checks the whole log and takes no other option but --file; give it alone',
    };
  if (o.kind !== undefined && !auditKindSchema.safeParse(o.kind).success)
    return {
      ok: false,
      error: `--kind ${o.kind} is not a kind; use one of ${auditKindSchema.options.join(', ')}`,
    };
  if (o.decision !== undefined && o.decision !== 'allow' && o.decision !== 'deny')
    return { ok: false, error: `--decision ${o.decision}: use allow or deny` };
  const times: { since?: string; until?: string } = {};
  for (const name of ['since', 'until'] as const) {
    const text = o[name];
    if (text === undefined) continue;
    const t = parseTimeBound(text, now);
    if (t === null)
      return {
        ok: false,
        error: `--${name} ${text} is neither a date and time (2026-11-25T21:00:00Z) nor a duration back from now (30s, 15m, 2h, 7d)`,
      };
    times[name] = t;
  }
  let limit: number | undefined;
  if (o.limit !== undefined) {
    limit = Number(o.limit);
    if (!/^\d+$/.test(o.limit) || limit < 1)
      return { ok: false, error: `--limit ${o.limit}: give a whole number of events, 1 or more` };
  }
  const given = Object.entries({ ext: o.ext, kind: o.kind, decision: o.decision, ...times });
  const filter = auditFilterSchema.parse(
    Object.fromEntries(given.filter(([, v]) => v !== undefined)),
  );
  const output: Output = flags.has('json') ? 'jsonl' : flags.has('csv') ? 'csv' : 'table';
  return { ok: true, value: { flags, filter, limit, output, file: o.file } };
}

export async function logCommand(argv: string[], io: CliIO, services: Services): Promise<number> {
  const parsed = parseLogArgs(argv);
  if (!parsed.ok) {
    io.stderr(`corral log: ${parsed.error}\n`);
    return 2;
  }
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
  if (args.flags.has('verify')) return verify(store, io);
  const print = printer(args.output, io);
  const backlog = args.limit ?? (args.flags.has('follow') ? FOLLOW_BACKLOG : undefined);
  const head = store.headSeq();
  const upto = { ...args.filter, beforeSeq: head + 1 };
  if (backlog === undefined) {
    if (args.output === 'csv') io.stdout(csvHeader());
    for (const page of store.pages(upto)) print.events(page);
  } else {
    if (args.output === 'csv') io.stdout(csvHeader());
    print.events(newest(store, upto, backlog).reverse());
  }
  if (args.flags.has('follow')) await follow(store, args.filter, head, print, io);
  return 0;
}

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
    const stop = () => {
      sub.close();
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
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
  if (args.flags.has('verify')) {
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
  const backlog = args.limit ?? (args.flags.has('follow') ? FOLLOW_BACKLOG : undefined);
  print.events(backlog === undefined ? all : all.slice(-backlog));
  if (skipped > 0)
    io.stderr(`corral log: ${file}: ${skipped} lines are not audit events; they were skipped\n`);
  if (!args.flags.has('follow')) {
    if (statSync(file).size > offset)
      io.stderr(
        `corral log: ${file}: the last line is incomplete (its writer stopped mid-line); it was skipped\n`,
      );
    return 0;
  }
  await new Promise<void>((done) => {
    const timer = setInterval(() => print.events(readNew()), JSONL_POLL_MS);
    const stop = () => {
      clearInterval(timer);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
