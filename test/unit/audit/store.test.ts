// The audit store: appending, batching, numbering, queries by every filter and time range,
// pagination, and the refusals a caller sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { auditEventSchema, type AuditEvent } from '../../../app/audit-event/event.ts';
import {
  auditFilterSchema,
  matchesFilter,
  type AuditFilter,
} from '../../../app/audit-event/filter.ts';
import { AuditStoreError, MAX_FIELD_CHARS, openAuditStore } from '../../../app/audit/store.ts';
import { ev, freshStore, manualClock, tempDir } from './support.ts';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

test('record stamps ts, numbers events from 0 as they commit, and query returns them newest first', () => {
  const clock = manualClock();
  const s = freshStore({ now: clock.now });
  try {
    s.store.record(ev({ target: '/a' }));
    clock.advance(5);
    s.store.record(ev({ target: '/b', decision: 'deny', reason: 'no grant' }));
    s.store.flush();
    const page = s.store.query({ limit: 10 });
    assert.deepEqual(
      page.map((e) => [e.seq, e.ts, e.target]),
      [
        [1, '2026-11-25T21:00:00.005Z', '/b'],
        [0, '2026-11-25T21:00:00.000Z', '/a'],
      ],
    );
    for (const e of page) auditEventSchema.parse(e);
    assert.deepEqual(Object.keys(page[0]!), [
      'v',
      'seq',
      'ts',
      'ext',
      'layer',
      'kind',
      'op',
      'target',
      'decision',
      'reason',
      'durationUs',
    ]);
    // An event without durationUs reads back without it, not as null.
    s.store.record(ev({ durationUs: undefined }));
    s.store.flush();
    assert.equal('durationUs' in s.store.query({ limit: 1 })[0]!, false);
  } finally {
    s.cleanup();
  }
});

test('events commit in batches: when batchSize wait, or maxDelayMs after the first', async () => {
  const s = freshStore({ batchSize: 4, maxDelayMs: 20 });
  try {
    for (let i = 0; i < 3; i++) s.store.record(ev());
    assert.equal(s.store.stats().pending, 3);
    assert.equal(s.store.query({ limit: 10 }).length, 0, 'nothing is visible before its commit');
    s.store.record(ev());
    assert.equal(s.store.stats().pending, 0, 'the fourth event fills the batch: committed at once');
    assert.equal(s.store.query({ limit: 10 }).length, 4);
    s.store.record(ev());
    await sleep(60);
    assert.equal(s.store.query({ limit: 10 }).length, 5, 'a partial batch commits after the delay');
  } finally {
    s.cleanup();
  }
});

test('close() commits what waits; a reopened store continues the numbering and the chain', () => {
  const s = freshStore({ batchSize: 1000, maxDelayMs: 60_000 });
  try {
    for (let i = 0; i < 10; i++) s.store.record(ev());
    s.store.close();
    const again = openAuditStore(s.path);
    again.record(ev({ target: '/after' }));
    again.close();
    const r = openAuditStore(s.path, { readonly: true });
    assert.equal(r.query({ limit: 1 })[0]!.seq, 10);
    assert.equal(r.verify().ok, true);
    r.close();
  } finally {
    s.cleanup();
  }
});

/** 400 events over a few extensions, kinds, layers and decisions, 250 ms apart. */
function dataset(record: (e: ReturnType<typeof ev>) => void, advance: (ms: number) => void): void {
  const exts = ['acme.a', 'acme.b', 'other.c'];
  const kinds = ['fs', 'net', 'ipc', 'process', 'limit', 'permission', 'lifecycle'] as const;
  const layers = ['broker', 'kernel', 'host'] as const;
  for (let i = 0; i < 400; i++) {
    record(
      ev({
        ext: exts[(i * 7) % 3]!,
        kind: kinds[(i * 5) % 7]!,
        layer: layers[(i * 11) % 3]!,
        op: `op${i % 4}`,
        target: `/t/${i}`,
        decision: i % 3 === 0 ? 'deny' : 'allow',
      }),
    );
    advance(250);
  }
}

test('query filters by extension, layer, kind, decision and time, alone and together', () => {
  const clock = manualClock();
  const s = freshStore({ now: clock.now });
  try {
    const all: AuditEvent[] = [];
    dataset((e) => s.store.record(e), clock.advance);
    s.store.flush();
    for (const page of s.store.pages({})) all.push(...page);
    assert.equal(all.length, 400);
    const filters: AuditFilter[] = [
      {},
      { ext: 'acme.a' },
      { ext: 'nobody.here' },
      { kind: 'net' },
      { layer: 'kernel' },
      { decision: 'deny' },
      { decision: 'allow' },
      { ext: 'acme.b', decision: 'deny' },
      { ext: 'acme.b', kind: 'fs', decision: 'allow' },
      { since: '2026-11-25T21:00:30.000Z' },
      { until: '2026-11-25T21:00:30.000Z' },
      { since: '2026-11-25T21:00:10.000Z', until: '2026-11-25T21:00:20.000Z' },
      { since: '2026-11-25T21:00:10.100Z', until: '2026-11-25T21:00:10.200Z' },
      { since: '2026-11-26T00:00:00.000Z' },
      { until: '2026-11-24T00:00:00.000Z' },
      { ext: 'other.c', decision: 'deny', since: '2026-11-25T21:00:50.000Z' },
      { afterSeq: 100, beforeSeq: 120, kind: 'ipc' },
    ];
    for (const filter of filters) {
      const expected = all.filter((e) => matchesFilter(e, auditFilterSchema.parse(filter)));
      const asc = s.store.query({ ...filter, limit: 1000, order: 'asc' });
      assert.deepEqual(asc, expected, JSON.stringify(filter));
      const desc = s.store.query({ ...filter, limit: 5 });
      assert.deepEqual(desc, expected.slice(-5).reverse(), JSON.stringify(filter));
      assert.equal(s.store.count(filter), expected.length, JSON.stringify(filter));
    }
  } finally {
    s.cleanup();
  }
});

test('pages newest first with beforeSeq, oldest first with afterSeq: each event exactly once', () => {
  const clock = manualClock();
  const s = freshStore({ now: clock.now });
  try {
    dataset((e) => s.store.record(e), clock.advance);
    s.store.flush();
    const filter = { ext: 'acme.a' };
    const total = s.store.count(filter);
    const back: number[] = [];
    for (let before: number | undefined; ;) {
      const page = s.store.query({ ...filter, beforeSeq: before, limit: 17 });
      if (page.length === 0) break;
      back.push(...page.map((e) => e.seq));
      before = page[page.length - 1]!.seq;
    }
    const forward: number[] = [];
    for (let after = -1; ;) {
      const page = s.store.query({ ...filter, afterSeq: after, limit: 17, order: 'asc' });
      if (page.length === 0) break;
      forward.push(...page.map((e) => e.seq));
      after = page[page.length - 1]!.seq;
    }
    assert.equal(back.length, total);
    assert.deepEqual([...back].reverse(), forward);
    assert.deepEqual(
      forward,
      [...new Set(forward)].sort((a, b) => a - b),
    );
  } finally {
    s.cleanup();
  }
});

test('ts never decreases along seq, even when the clock steps back, so time ranges stay exact', () => {
  const clock = manualClock('2026-11-25T21:00:10.000Z');
  const s = freshStore({ now: clock.now });
  try {
    s.store.record(ev({ target: '/1' }));
    clock.set('2026-11-25T21:00:05.000Z'); // the clock steps back 5 s
    s.store.record(ev({ target: '/2' }));
    clock.set('2026-11-25T21:00:11.000Z');
    s.store.record(ev({ target: '/3' }));
    s.store.flush();
    const ts = s.store.query({ limit: 10, order: 'asc' }).map((e) => e.ts);
    assert.deepEqual(ts, [
      '2026-11-25T21:00:10.000Z',
      '2026-11-25T21:00:10.000Z',
      '2026-11-25T21:00:11.000Z',
    ]);
    assert.deepEqual(
      s.store.query({ since: '2026-11-25T21:00:10.500Z', limit: 10 }).map((e) => e.target),
      ['/3'],
    );
  } finally {
    s.cleanup();
  }
});

test('every (extension, kind, op) is remembered with the seq that first did it', () => {
  const s = freshStore();
  try {
    s.store.record(ev({ op: 'read' }));
    s.store.record(ev({ op: 'read' }));
    s.store.record(ev({ kind: 'net', op: 'fetch' }));
    s.store.record(ev({ ext: 'acme.other', op: 'read' }));
    s.store.flush();
    s.store.record(ev({ kind: 'net', op: 'fetch' }));
    s.store.record(ev({ op: 'write' }));
    s.store.flush();
    assert.deepEqual(s.store.accessKinds('acme.word-count'), [
      { ext: 'acme.word-count', kind: 'fs', op: 'read', firstSeq: 0 },
      { ext: 'acme.word-count', kind: 'fs', op: 'write', firstSeq: 5 },
      { ext: 'acme.word-count', kind: 'net', op: 'fetch', firstSeq: 2 },
    ]);
    assert.equal(s.store.accessKinds().length, 4);
  } finally {
    s.cleanup();
  }
});

test('an event outside the schema is refused with one line; text is stored well-formed and capped', () => {
  const s = freshStore();
  try {
    assert.throws(
      () => s.store.record({ ...ev(), kind: 'disk' as 'fs' }),
      (e: Error) => e instanceof AuditStoreError && /^audit event refused: kind: /.test(e.message),
    );
    assert.throws(
      () => s.store.record({ ...ev(), extra: 1 } as ReturnType<typeof ev>),
      AuditStoreError,
    );
    assert.throws(() => s.store.record(ev({ durationUs: -1 })), AuditStoreError);
    s.store.record(ev({ target: 'lone \ud800 surrogate', reason: 'nul \0 inside' }));
    s.store.record(ev({ target: 'x'.repeat(MAX_FIELD_CHARS + 10) }));
    s.store.flush();
    const [long, lone] = s.store.query({ limit: 2 });
    assert.equal(lone!.target, 'lone \ufffd surrogate');
    assert.equal(lone!.reason, 'nul \0 inside');
    assert.match(long!.target, /^x{8192}… \(10 more characters cut\)$/);
    assert.equal(s.store.verify().ok, true);
  } finally {
    s.cleanup();
  }
});

test('two stores writing one file never share a seq, and the chain holds', () => {
  const s = freshStore({ batchSize: 7 });
  const other = openAuditStore(s.path, { batchSize: 5 });
  try {
    for (let i = 0; i < 200; i++) {
      s.store.record(ev({ ext: 'acme.one', target: `/${i}` }));
      other.record(ev({ ext: 'acme.two', target: `/${i}` }));
    }
    s.store.flush();
    other.flush();
    const seqs = [...s.store.pages({})].flat().map((e) => e.seq);
    assert.deepEqual(
      seqs,
      Array.from({ length: 400 }, (_, i) => i),
    );
    // Each writer's own events keep their order.
    const ones = s.store.query({ ext: 'acme.one', limit: 1000, order: 'asc' });
    assert.deepEqual(
      ones.map((e) => e.target),
      Array.from({ length: 200 }, (_, i) => `/${i}`),
    );
    assert.equal(s.store.verify().ok, true);
  } finally {
    other.close();
    s.cleanup();
  }
});

test('opening something that is not an audit store says what it is, on one line', () => {
  const { dir, cleanup } = tempDir();
  try {
    const jsonl = join(dir, 'audit.jsonl');
    writeFileSync(jsonl, '{"seq":0}\n');
    assert.throws(
      () => openAuditStore(jsonl),
      (e: Error) =>
        e instanceof AuditStoreError && /audit\.jsonl is not an audit store/.test(e.message),
    );
    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    assert.throws(
      () => openAuditStore(other),
      /other\.db is an SQLite database but not a Corral audit store/,
    );
    const future = join(dir, 'future.db');
    openAuditStore(future).close();
    const f = new Database(future);
    f.prepare("UPDATE meta SET value = '9' WHERE key = 'schema'").run();
    f.close();
    assert.throws(
      () => openAuditStore(future),
      /schema version 9; this Corral reads versions 1 and 2/,
    );
    assert.throws(
      () => openAuditStore(join(dir, 'missing.db'), { readonly: true }),
      AuditStoreError,
    );
  } finally {
    cleanup();
  }
});

test('a read-only store answers queries and refuses to record', () => {
  const s = freshStore();
  try {
    s.store.record(ev());
    s.store.flush();
    const r = openAuditStore(s.path, { readonly: true });
    try {
      assert.equal(r.query({ limit: 5 }).length, 1);
      assert.throws(() => r.record(ev()), /open read-only/);
      assert.throws(() => r.applyRetention({ maxEvents: 0 }), /open read-only/);
    } finally {
      r.close();
    }
  } finally {
    s.cleanup();
  }
});
