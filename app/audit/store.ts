// The audit store: an append-only SQLite log (WAL) of audit events with a hash chain, queried by
// extension, kind, decision and time, exported as JSON lines or CSV, trimmed by retention and
// rotation, and streamed live to subscribers. Design and incident-response steps: docs/audit.md.
import { once, type EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import {
  AUDIT_EVENT_VERSION,
  type AuditEvent,
  type AuditEventInput,
} from '../audit-event/event.ts';
import type { AuditSink } from './jsonl-sink.ts';
import { cleanInput } from './clean-input.ts';
import { chainHash, GENESIS_HASH, walkChain } from './chain.ts';
import {
  AuditStoreError,
  openDatabase,
  SCHEMA_VERSION,
  storeError,
  type SqliteDatabase,
} from './sqlite.ts';
import {
  auditFilterSchema,
  auditQuerySchema,
  POLICY_DENIAL_SQL,
  whereClause,
  type AuditFilter,
  type AuditQuery,
  type ParsedFilter,
  type SeqRange,
} from '../audit-event/filter.ts';
import { csvHeader, csvRow, jsonLine, type ExportFormat } from '../audit-event/export-format.ts';
import {
  LiveSubscription,
  type AuditBatch,
  type SubscribeOptions,
  type Subscription,
} from './subscription.ts';

export { AuditStoreError } from './sqlite.ts';

/** The `ext` of the events the store records about itself (retention, rotation). */
export const STORE_EXT = 'corral';

/** Longest text kept per field: paths and URLs fit; a runaway string cannot bloat every page. */
export { MAX_FIELD_CHARS } from './clean-input.ts';

export interface RetentionPolicy {
  /** Delete events older than this many days. */
  maxAgeDays?: number;
  /** Keep at most this many events (the newest). */
  maxEvents?: number;
}

export interface AuditStoreOptions {
  /** Open an existing store for reading only (`corral log`). */
  readonly?: boolean;
  /** Commit as soon as this many events are waiting (default 512). */
  batchSize?: number;
  /** Commit waiting events after at most this long (default 10 ms). */
  maxDelayMs?: number;
  /**
   * Most events waiting in memory while the database cannot be written (locked, disk full);
   * beyond it events are counted, and a `limit` event per extension says how many were lost.
   */
  maxQueue?: number;
  /** How long one commit waits for another writer's lock (default 1000 ms). */
  busyTimeoutMs?: number;
  durability?: 'normal' | 'full';
  /** Applied when the store opens and then every retentionIntervalMs (default hourly). */
  retention?: RetentionPolicy;
  retentionIntervalMs?: number;
  /**
   * How often subscriptions look for events other processes committed (default 50 ms: one indexed
   * `max(seq)` read, and a live view a person watches stays within a frame or two of the writer).
   */
  pollMs?: number;
  now?: () => Date;
  /** Where write failures are reported (default: one line on stderr). */
  onError?: (message: string) => void;
}

export type VerifyResult =
  | {
      ok: true;
      /** Events checked. */
      events: number;
      firstSeq: number | null;
      lastSeq: number | null;
      /** The seq of the last event retention or rotation removed (-1: none). */
      anchorSeq: number;
      /** The last event's hash (hex): record it elsewhere to detect a rewrite of the whole log. */
      headHash: string;
    }
  | { ok: false; events: number; brokenSeq: number; reason: string };

export interface AccessKind {
  ext: string;
  kind: AuditEvent['kind'];
  op: string;
  firstSeq: number;
}

export interface StoreStats {
  path: string;
  events: number;
  firstSeq: number | null;
  lastSeq: number | null;
  anchorSeq: number;
  /** Events recorded but not committed yet (this process). */
  pending: number;
}

interface Pending {
  event: AuditEventInput;
  ts: string;
}

interface Lost {
  count: number;
  firstTs: string;
  lastTs: string;
}

interface Head {
  seq: number;
  hash: Buffer;
  ts: string;
}

type Row = unknown[];
const COLUMNS = 'seq, ts, ext, layer, kind, op, target, decision, reason, duration_us, outcome, v';
// Distinct query shapes are few (filter keys × enum literals); the cap only guards a leak.
const STATEMENT_CACHE_CAP = 256;
const RETRY_MAX_MS = 5000;
// Retention deletes in slices so another writer never waits long for the lock.
const DELETE_SLICE = 10_000;
const EXPORT_PAGE = 2000;

/** Opens the audit store at `path` (created if missing, unless read-only). */
export function openAuditStore(path: string, options: AuditStoreOptions = {}): AuditStore {
  return new AuditStore(path, options);
}

export class AuditStore implements AuditSink {
  readonly path: string;
  private readonly writer: SqliteDatabase | null;
  private readonly reader: SqliteDatabase;
  private readonly o: Required<
    Pick<AuditStoreOptions, 'batchSize' | 'maxDelayMs' | 'maxQueue' | 'pollMs'>
  > &
    AuditStoreOptions;
  private readonly now: () => Date;
  private readonly report: (message: string) => void;
  private queue: Pending[] = [];
  private lost = new Map<string, Lost>();
  private lostWhy = '';
  private timer: NodeJS.Timeout | null = null;
  private retryAt = 0;
  private failures = 0;
  private closed = false;
  private readonly subscriptions = new Set<LiveSubscription>();
  private poll: NodeJS.Timeout | null = null;
  private retentionTimer: NodeJS.Timeout | null = null;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private seenAccess: Set<string> | null = null;
  private readonly commitBatch: BetterSqlite3.Transaction<
    (queue: Pending[], lost: Map<string, Lost>) => string[]
  > | null;

  constructor(path: string, options: AuditStoreOptions) {
    this.path = path;
    this.o = { batchSize: 512, maxDelayMs: 10, maxQueue: 100_000, pollMs: 50, ...options };
    this.now = options.now ?? (() => new Date());
    this.report =
      options.onError ?? ((message) => void process.stderr.write(`corral: ${message}\n`));
    const db = { busyTimeoutMs: options.busyTimeoutMs, durability: options.durability };
    let migratedFrom: number | null = null;
    this.writer = options.readonly
      ? null
      : openDatabase(path, { ...db, onMigrated: (from) => (migratedFrom = from) });
    try {
      this.reader = openDatabase(path, { ...db, readonly: true });
    } catch (e) {
      this.writer?.close();
      throw e;
    }
    this.commitBatch = this.writer ? this.writer.transaction(this.appendAll.bind(this)) : null;
    if (migratedFrom !== null) this.recordMigration(migratedFrom);
    if (this.writer && options.retention) {
      this.applyRetention(options.retention);
      this.retentionTimer = setInterval(
        () => this.guard(() => this.applyRetention(options.retention)),
        options.retentionIntervalMs ?? 3_600_000,
      );
      this.retentionTimer.unref();
    }
  }

  // ---------------------------------------------------------------- writing

  /**
   * Queues one event: `ts` is stamped now, `seq` and the chain hash when its batch commits, inside
   * the write transaction (so two processes writing one store never share a seq). Commits when
   * `batchSize` events wait, or after `maxDelayMs`.
   */
  record(input: AuditEventInput): void {
    if (!this.writer) throw new AuditStoreError(`the audit store ${this.path} is open read-only`);
    if (this.closed) throw new AuditStoreError(`the audit store ${this.path} is closed`);
    const event = cleanInput(input, AuditStoreError);
    const ts = this.now().toISOString();
    if (this.queue.length >= this.o.maxQueue) {
      const lost = this.lost.get(event.ext);
      if (lost) {
        lost.count++;
        lost.lastTs = ts;
      } else this.lost.set(event.ext, { count: 1, firstTs: ts, lastTs: ts });
      this.schedule();
      return;
    }
    this.queue.push({ event, ts });
    if (this.queue.length >= this.o.batchSize && Date.now() >= this.retryAt) this.tryCommit();
    else this.schedule();
  }

  /** Says in the log itself where the event version changed (docs/audit.md, Migration). */
  private recordMigration(from: number): void {
    const head = this.headSeq();
    this.record({
      ext: STORE_EXT,
      layer: 'host',
      kind: 'lifecycle',
      op: 'migrate',
      target: this.path,
      outcome: 'ok',
      reason: `the audit store moved from schema ${from} to ${SCHEMA_VERSION}: events after seq ${head} are audit event version ${AUDIT_EVENT_VERSION} (decision and outcome apart); seq ${head} and before keep the version they were written in`,
    });
    this.flush();
  }

  /** Commits every waiting event now; throws (one line) when the database cannot be written. */
  flush(): void {
    if (!this.commitBatch) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      this.commit();
      this.recovered();
    } catch (e) {
      const waiting = this.queue.length + [...this.lost.values()].reduce((n, l) => n + l.count, 0);
      this.failed(e);
      throw new AuditStoreError(
        `${waiting} audit events could not be written to ${this.path}: ${storeError(this.path, e).message}`,
      );
    }
  }

  /** Flushes, stops subscriptions and timers, and closes the database. */
  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      for (const s of [...this.subscriptions]) s.close();
      if (this.timer) clearTimeout(this.timer);
      if (this.retentionTimer) clearInterval(this.retentionTimer);
      // The reader first: the last connection to close checkpoints the WAL into the database
      // and removes it, which a read-only connection cannot do.
      this.reader.close();
      this.writer?.close();
    }
  }

  private schedule(): void {
    if (this.timer || !this.writer) return;
    const wait = Math.max(this.o.maxDelayMs, this.retryAt - Date.now());
    // Not unref'd: a process that ends without close() still commits what it recorded.
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tryCommit();
    }, wait);
  }

  /** Commits, and on failure keeps the events and retries with back-off. */
  private tryCommit(): void {
    try {
      this.commit();
      this.recovered();
    } catch (e) {
      this.failed(e);
    }
  }

  private recovered(): void {
    if (this.failures > 0)
      this.report(`audit store ${this.path}: writing again after ${this.failures} failed tries`);
    this.failures = 0;
    this.retryAt = 0;
  }

  /** Reports the first failure of a run of them, and schedules a retry. */
  private failed(e: unknown): void {
    const why = storeError(this.path, e).message;
    this.lostWhy = why;
    if (this.failures === 0)
      this.report(
        `${why}; ${this.queue.length} audit events wait in memory (at most ${this.o.maxQueue}, then they are counted as lost); retrying`,
      );
    this.failures++;
    this.retryAt = Date.now() + Math.min(RETRY_MAX_MS, 50 * 2 ** this.failures);
    if (!this.closed) this.schedule();
  }

  private commit(): void {
    if (this.queue.length === 0 && this.lost.size === 0) return;
    const added = this.commitBatch!.immediate(this.queue, this.lost);
    // Only after the commit: a rolled-back batch must not mark its kinds as stored.
    for (const key of added) this.seenAccess!.add(key);
    this.queue = [];
    this.lost = new Map();
    for (const s of this.subscriptions) s.wake();
  }

  /** Inside the write transaction: numbers, chains and inserts the batch; returns new kinds. */
  private appendAll(queue: Pending[], lost: Map<string, Lost>): string[] {
    const db = this.writer!;
    const insert = this.statement(
      db,
      `INSERT INTO events (${COLUMNS}, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertKind = this.statement(
      db,
      'INSERT OR IGNORE INTO access_kinds (ext, kind, op, first_seq) VALUES (?, ?, ?, ?)',
    );
    this.seenAccess ??= new Set(
      (this.statement(db, 'SELECT ext, kind, op FROM access_kinds').raw().all() as string[][]).map(
        (r) => r.join('\0'),
      ),
    );
    const seen = this.seenAccess;
    const added: string[] = [];
    let { seq, hash, ts: lastTs } = this.head(db);
    const append = (e: AuditEventInput, stamped: string) => {
      seq++;
      // ts never decreases along seq (a clock stepping back, or another process's batch, can
      // only hold it level), so a time range is a seq range and needs no index of its own.
      const ts = stamped < lastTs ? lastTs : stamped;
      lastTs = ts;
      const event: AuditEvent = { v: AUDIT_EVENT_VERSION, seq, ts, ...e };
      hash = chainHash(hash, event);
      insert.run(
        seq,
        ts,
        e.ext,
        e.layer,
        e.kind,
        e.op,
        e.target,
        e.decision ?? '', // the column predates optional decisions (sqlite.ts)
        e.reason,
        e.durationUs ?? null,
        e.outcome ?? null,
        AUDIT_EVENT_VERSION,
        hash,
      );
      const key = `${e.ext}\0${e.kind}\0${e.op}`;
      if (!seen.has(key) && !added.includes(key)) {
        insertKind.run(e.ext, e.kind, e.op, seq);
        added.push(key);
      }
    };
    for (const p of queue) append(p.event, p.ts);
    const nowTs = this.now().toISOString();
    for (const [ext, l] of lost)
      append(
        {
          ext,
          layer: 'host',
          kind: 'limit',
          op: 'audit',
          target: this.path,
          outcome: 'limit',
          reason: `${l.count} audit events were lost between ${l.firstTs} and ${l.lastTs}: the audit store could not keep up (${this.lostWhy || 'queue full'})`,
        },
        nowTs,
      );
    const setMeta = this.statement(
      db,
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    // The head record lets verify notice events cut off the end, which a chain alone cannot.
    setMeta.run('head_seq', String(seq));
    setMeta.run('head_hash', hash.toString('hex'));
    return added;
  }

  /** The last event (or the anchor when retention emptied the log, or the genesis). */
  private head(db: SqliteDatabase): Head {
    const row = this.statement(db, 'SELECT seq, hash, ts FROM events ORDER BY seq DESC LIMIT 1')
      .raw()
      .get() as [number, Buffer, string] | undefined;
    if (row) return { seq: row[0], hash: row[1], ts: row[2] };
    return this.anchor(db);
  }

  private anchor(db: SqliteDatabase): Head {
    const seq = this.meta(db, 'anchor_seq');
    if (seq === undefined) return { seq: -1, hash: GENESIS_HASH, ts: '' };
    return {
      seq: Number(seq),
      hash: Buffer.from(this.meta(db, 'anchor_hash') ?? '', 'hex'),
      ts: this.meta(db, 'anchor_ts') ?? '',
    };
  }

  private meta(db: SqliteDatabase, key: string): string | undefined {
    return this.statement(db, 'SELECT value FROM meta WHERE key = ?').pluck().get(key) as
      string | undefined;
  }

  // ---------------------------------------------------------------- reading

  /** One page of matching events, newest first unless `order: 'asc'`. */
  query(q: AuditQuery): AuditEvent[] {
    const p = auditQuerySchema.parse(q);
    const range = this.seqRange(p);
    if (!range) return [];
    const { sql, params } = whereClause(p, range);
    const order = p.order === 'asc' ? 'ASC' : 'DESC';
    return (
      this.statement(
        this.reader,
        `SELECT ${COLUMNS} FROM events WHERE ${sql} ORDER BY seq ${order} LIMIT ?`,
      )
        .raw()
        .all(...params, p.limit) as Row[]
    ).map(rowToEvent);
  }

  /** How many events match (counts index entries: fast for an extension, slower for all). */
  count(filter: AuditFilter = {}): number {
    const f = auditFilterSchema.parse(filter);
    const range = this.seqRange(f);
    if (!range) return 0;
    const { sql, params } = whereClause(f, range);
    return this.statement(this.reader, `SELECT count(*) FROM events WHERE ${sql}`)
      .pluck()
      .get(...params) as number;
  }

  /**
   * The matching events, oldest first, a page at a time (each page its own read); ends at the
   * newest event when it started, so reading a busy log terminates.
   */
  *pages(filter: AuditFilter, pageSize: number = EXPORT_PAGE): Generator<AuditEvent[]> {
    const f = auditFilterSchema.parse(filter);
    const range = this.seqRange(f);
    if (!range) return;
    const upto = Math.min(range.max ?? Infinity, this.headSeq());
    let after = f.afterSeq ?? -1;
    for (;;) {
      const page = this.readRange(f, after, upto, pageSize);
      if (page.length === 0) return;
      yield page;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.seq;
    }
  }

  /** The matching events as JSON lines or CSV (with its header), oldest first, a page per chunk. */
  *exportChunks(filter: AuditFilter, format: ExportFormat): Generator<string> {
    if (format === 'csv') yield csvHeader();
    for (const page of this.pages(filter))
      yield page.map(format === 'csv' ? csvRow : jsonLine).join('');
  }

  /** Writes an export to a stream, waiting for it to drain; resolves to the bytes written. */
  async exportTo(
    filter: AuditFilter,
    format: ExportFormat,
    out: NodeJS.WritableStream,
  ): Promise<number> {
    let bytes = 0;
    for (const chunk of this.exportChunks(filter, format)) {
      bytes += Buffer.byteLength(chunk);
      // once() rejects if the stream fails instead of draining.
      if (!out.write(chunk)) await once(out as EventEmitter, 'drain');
    }
    return bytes;
  }

  /**
   * Walks the hash chain from the anchor to the newest event, in one read snapshot: every seq
   * present once and in order, every hash = sha256(previous hash ‖ canonical JSON), and the last
   * event the one the head record names. Reports the first seq where that fails.
   */
  verify(): VerifyResult {
    const db = this.reader;
    return db.transaction((): VerifyResult => {
      const anchor = this.anchor(db);
      if (anchor.hash.length !== 32)
        return {
          ok: false,
          events: 0,
          brokenSeq: anchor.seq + 1,
          reason: 'the anchor record is damaged',
        };
      const rows = this.statement(db, `SELECT ${COLUMNS}, hash FROM events ORDER BY seq`)
        .raw()
        .iterate() as IterableIterator<Row>;
      const walk = walkChain(
        anchor,
        mapIterable(rows, (r) => ({ event: rowToEvent(r), hash: r[12] })),
      );
      if (!walk.ok) return walk;
      const head = this.meta(db, 'head_seq');
      const last = walk.lastSeq;
      const lastHash = Buffer.from(walk.lastHash).toString('hex');
      if (head !== undefined && Number(head) > last)
        return {
          ok: false,
          events: walk.events,
          brokenSeq: last + 1,
          reason: `the log ends at seq ${last} but its head record says ${head}: events were cut off the end`,
        };
      if (head !== undefined && (Number(head) < last || this.meta(db, 'head_hash') !== lastHash))
        return {
          ok: false,
          events: walk.events,
          brokenSeq: Math.min(Number(head) + 1, last),
          reason: `the head record (seq ${head}) does not match the last event (seq ${last})`,
        };
      return {
        ok: true,
        events: walk.events,
        firstSeq: walk.events > 0 ? anchor.seq + 1 : null,
        lastSeq: walk.events > 0 ? last : null,
        anchorSeq: anchor.seq,
        headHash: lastHash,
      };
    })();
  }

  /** Every (extension, kind, op) recorded, with the seq that first did it. */
  accessKinds(ext?: string): AccessKind[] {
    const sql = `SELECT ext, kind, op, first_seq AS firstSeq FROM access_kinds${ext === undefined ? '' : ' WHERE ext = ?'} ORDER BY ext, kind, op`;
    const stmt = this.statement(this.reader, sql);
    return (ext === undefined ? stmt.all() : stmt.all(ext)) as AccessKind[];
  }

  /**
   * Denials per extension per minute since `since` (ISO), for the dashboard's chart: one indexed
   * range read, grouped in SQL (ts is ISO, so its first 16 characters name the minute).
   */
  denialsPerMinute(since: string): { ext: string; minute: string; denials: number }[] {
    const first = this.firstSeqAtOrAfter(new Date(since).toISOString());
    if (first === null) return [];
    return this.statement(
      this.reader,
      `SELECT ext, substr(ts, 1, 16) AS minute, count(*) AS denials FROM events
       WHERE seq >= ? AND ${POLICY_DENIAL_SQL} GROUP BY ext, minute ORDER BY ext, minute`,
    ).all(first) as { ext: string; minute: string; denials: number }[];
  }

  /** The newest committed seq (the anchor's when retention emptied the log; -1 when empty). */
  headSeq(): number {
    const max = this.statement(this.reader, 'SELECT max(seq) FROM events').pluck().get() as
      number | null;
    return max ?? this.anchor(this.reader).seq;
  }

  stats(): StoreStats {
    const [first, last, events] = this.statement(
      this.reader,
      'SELECT min(seq), max(seq), count(*) FROM events',
    )
      .raw()
      .get() as [number | null, number | null, number];
    return {
      path: this.path,
      events,
      firstSeq: first,
      lastSeq: last,
      anchorSeq: this.anchor(this.reader).seq,
      pending: this.queue.length,
    };
  }

  /**
   * The seq range a time range covers (ts never decreases along seq): binary searches over the
   * primary key, a few dozen lookups whatever the log's size. null when nothing can match.
   */
  private seqRange(f: ParsedFilter): SeqRange | null {
    const range: SeqRange = {};
    if (f.since !== undefined) {
      const first = this.firstSeqAtOrAfter(f.since);
      if (first === null) return null;
      range.min = first;
    }
    if (f.until !== undefined) {
      const first = this.firstSeqAtOrAfter(f.until);
      if (first !== null) range.max = first - 1;
    }
    if (range.min !== undefined && range.max !== undefined && range.max < range.min) return null;
    return range;
  }

  /** The smallest seq whose ts is at or after `ts`, or null. */
  private firstSeqAtOrAfter(ts: string): number | null {
    // Two statements: SQLite answers a lone min() or max() from the index, but both in one
    // SELECT make it scan the table.
    const min = this.statement(this.reader, 'SELECT min(seq) FROM events').pluck().get() as
      number | null;
    const max = this.statement(this.reader, 'SELECT max(seq) FROM events').pluck().get() as
      number | null;
    if (min === null || max === null) return null;
    const at = this.statement(
      this.reader,
      'SELECT seq, ts FROM events WHERE seq >= ? ORDER BY seq LIMIT 1',
    ).raw();
    const firstFrom = (seq: number) => at.get(seq) as [number, string] | undefined;
    let lo = min;
    let hi = max + 1;
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const row = firstFrom(mid);
      if (!row || row[1] >= ts) hi = mid;
      else lo = row[0] + 1;
    }
    return firstFrom(lo)?.[0] ?? null;
  }

  // ---------------------------------------------------------------- live stream

  /**
   * Delivers matching events committed from now on (or after `options.afterSeq`) in batches of at
   * most `maxBatch`, at most `maxDelayMs` after they commit. The next batch waits until onBatch
   * (and the promise it returns) is done; a paused subscriber resumes from its last seq, reading
   * from the store, so it misses nothing. Events committed by other processes arrive within
   * `pollMs`.
   */
  subscribe(
    filter: AuditFilter,
    onBatch: (batch: AuditBatch) => void | Promise<void>,
    options: SubscribeOptions = {},
  ): Subscription {
    if (this.closed) throw new AuditStoreError(`the audit store ${this.path} is closed`);
    const f = auditFilterSchema.parse(filter);
    const source = {
      headSeq: () => this.headSeq(),
      anchorSeq: () => this.anchor(this.reader).seq,
      readRange: (rf: ParsedFilter, after: number, upto: number, limit: number) =>
        this.readRange(rf, after, upto, limit),
    };
    const sub: LiveSubscription = new LiveSubscription(
      source,
      f,
      onBatch,
      {
        onError: (e) => this.report(`an audit subscriber failed and was stopped: ${errorText(e)}`),
        ...options,
      },
      () => {
        this.subscriptions.delete(sub);
        this.updatePoll();
      },
    );
    this.subscriptions.add(sub);
    this.updatePoll();
    sub.wake();
    return sub;
  }

  private readRange(f: ParsedFilter, after: number, upto: number, limit: number): AuditEvent[] {
    const range = this.seqRange(f);
    if (!range) return [];
    const { sql, params } = whereClause(
      { ...f, afterSeq: Math.max(after, f.afterSeq ?? -1) },
      { ...range, max: Math.min(upto, range.max ?? upto) },
    );
    return (
      this.statement(this.reader, `SELECT ${COLUMNS} FROM events WHERE ${sql} ORDER BY seq LIMIT ?`)
        .raw()
        .all(...params, limit) as Row[]
    ).map(rowToEvent);
  }

  /** Polls for other processes' commits while anyone subscribes (this keeps the process alive). */
  private updatePoll(): void {
    if (this.subscriptions.size > 0 && !this.poll && !this.closed) {
      this.poll = setInterval(() => {
        for (const s of this.subscriptions) s.wake();
      }, this.o.pollMs);
    } else if (this.subscriptions.size === 0 && this.poll) {
      clearInterval(this.poll);
      this.poll = null;
    }
  }

  // ---------------------------------------------------------------- retention and rotation

  /**
   * Deletes the oldest events that the policy no longer keeps, as a prefix of the chain: the
   * last deleted event's seq and hash become the anchor the chain continues from, and a
   * `lifecycle`/`retention` event records what went.
   */
  applyRetention(policy: RetentionPolicy = this.o.retention ?? {}): { deleted: number } {
    const db = this.writable();
    this.flush();
    const head = this.head(db);
    let upto = -1;
    if (policy.maxEvents !== undefined) upto = Math.max(upto, head.seq - policy.maxEvents);
    if (policy.maxAgeDays !== undefined) {
      const cutoff = new Date(this.now().getTime() - policy.maxAgeDays * 86_400_000);
      const first = this.firstSeqAtOrAfter(cutoff.toISOString());
      upto = Math.max(upto, first === null ? head.seq : first - 1);
    }
    const from = this.anchor(db).seq + 1;
    if (upto < from) return { deleted: 0 };
    const deleted = this.deleteThrough(upto);
    const rules = [
      policy.maxAgeDays !== undefined && `older than ${policy.maxAgeDays} days`,
      policy.maxEvents !== undefined && `beyond the newest ${policy.maxEvents}`,
    ].filter(Boolean);
    this.record({
      ext: STORE_EXT,
      layer: 'host',
      kind: 'lifecycle',
      op: 'retention',
      target: this.path,
      outcome: 'ok',
      reason: `deleted ${deleted} events ${rules.join(' or ')} (seq ${from}..${upto}); the chain continues from the anchor at seq ${upto} (hash ${this.anchor(db).hash.toString('hex')})`,
    });
    this.flush();
    db.pragma('incremental_vacuum');
    return { deleted };
  }

  /**
   * Moves every committed event into a new single-file store at `archivePath` (which verifies on
   * its own: `corral log --verify --file ARCHIVE`), then removes them here; the chain continues
   * from the archive's last hash.
   */
  rotate(archivePath: string): { archived: number; fromSeq: number; toSeq: number } {
    const db = this.writable();
    this.flush();
    if (existsSync(archivePath))
      throw new AuditStoreError(`${archivePath} exists; fix: choose a new file for the archive`);
    const anchor = this.anchor(db);
    const head = this.head(db);
    if (head.seq <= anchor.seq) return { archived: 0, fromSeq: anchor.seq + 1, toSeq: anchor.seq };
    const archive = openDatabase(archivePath, { wal: false, durability: 'full' });
    try {
      archive.prepare('ATTACH DATABASE ? AS live').run(this.path);
      archive
        .transaction(() => {
          archive
            .prepare('INSERT INTO main.events SELECT * FROM live.events WHERE seq <= ?')
            .run(head.seq);
          archive.exec('INSERT OR IGNORE INTO main.access_kinds SELECT * FROM live.access_kinds');
          const set = archive.prepare(
            'INSERT OR REPLACE INTO main.meta (key, value) VALUES (?, ?)',
          );
          if (anchor.seq >= 0) {
            set.run('anchor_seq', String(anchor.seq));
            set.run('anchor_hash', anchor.hash.toString('hex'));
            set.run('anchor_ts', anchor.ts);
          }
          set.run('head_seq', String(head.seq));
          set.run('head_hash', head.hash.toString('hex'));
        })
        .immediate();
      archive.prepare('DETACH DATABASE live').run();
    } finally {
      archive.close();
    }
    const archived = this.deleteThrough(head.seq);
    this.record({
      ext: STORE_EXT,
      layer: 'host',
      kind: 'lifecycle',
      op: 'rotate',
      target: archivePath,
      outcome: 'ok',
      reason: `moved ${archived} events (seq ${anchor.seq + 1}..${head.seq}) to ${archivePath}; the chain continues from its last hash ${head.hash.toString('hex')}`,
    });
    this.flush();
    db.pragma('incremental_vacuum');
    return { archived, fromSeq: anchor.seq + 1, toSeq: head.seq };
  }

  /** Deletes every event with seq <= upto in slices, moving the anchor along; returns the count. */
  private deleteThrough(upto: number): number {
    const db = this.writable();
    const lastAtOrBefore = this.statement(
      db,
      'SELECT seq, hash, ts FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT 1',
    ).raw();
    const del = this.statement(db, 'DELETE FROM events WHERE seq <= ?');
    const setMeta = this.statement(
      db,
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    const slice = db.transaction((end: number) => {
      const last = lastAtOrBefore.get(end) as [number, Buffer, string] | undefined;
      if (!last) return 0;
      const n = del.run(end).changes;
      setMeta.run('anchor_seq', String(last[0]));
      setMeta.run('anchor_hash', last[1].toString('hex'));
      setMeta.run('anchor_ts', last[2]);
      return n;
    });
    let deleted = 0;
    for (let end = this.anchor(db).seq + DELETE_SLICE; ; end += DELETE_SLICE) {
      deleted += slice.immediate(Math.min(end, upto));
      if (end >= upto) return deleted;
    }
  }

  private writable(): SqliteDatabase {
    if (!this.writer) throw new AuditStoreError(`the audit store ${this.path} is open read-only`);
    if (this.closed) throw new AuditStoreError(`the audit store ${this.path} is closed`);
    return this.writer;
  }

  private guard(fn: () => unknown): void {
    try {
      fn();
    } catch (e) {
      this.report(storeError(this.path, e).message);
    }
  }

  private statement(db: SqliteDatabase, sql: string): BetterSqlite3.Statement {
    const key = (db === this.reader ? 'r:' : 'w:') + sql;
    let stmt = this.statements.get(key);
    if (!stmt) {
      if (this.statements.size >= STATEMENT_CACHE_CAP) this.statements.clear();
      stmt = db.prepare(sql);
      this.statements.set(key, stmt);
    }
    return stmt;
  }
}

/**
 * A stored row (COLUMNS order) as an event, exactly as it was written and hashed: version 2
 * first says so (`v`); keys in contracts section 5's order.
 */
function rowToEvent(r: Row): AuditEvent {
  const e = (r[11] === null ? {} : { v: r[11] }) as AuditEvent;
  Object.assign(e, {
    seq: r[0],
    ts: r[1],
    ext: r[2],
    layer: r[3],
    kind: r[4],
    op: r[5],
    target: r[6],
  });
  if (r[7] !== '' && r[7] !== null) e.decision = r[7] as AuditEvent['decision'];
  if (r[10] !== null) e.outcome = r[10] as AuditEvent['outcome'];
  e.reason = r[8] as string;
  if (r[9] !== null) e.durationUs = r[9] as number;
  return e;
}

function* mapIterable<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
