// When the store cannot be written (another writer holds the lock, the disk is full), events wait
// in a bounded queue; beyond it they are counted, and a `limit` event per extension says how many
// were lost (contracts §5: nothing is dropped silently).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { ev, freshStore } from './support.ts';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

test('a locked database: events wait, the overflow is counted per extension, then recorded as limit events', async () => {
  const s = freshStore({ batchSize: 10, maxQueue: 100, busyTimeoutMs: 5, maxDelayMs: 5 });
  const blocker = new Database(s.path);
  try {
    blocker.prepare('BEGIN IMMEDIATE').run(); // holds the write lock
    for (let i = 0; i < 130; i++) s.store.record(ev({ ext: 'acme.a', target: `/${i}` }));
    for (let i = 0; i < 20; i++) s.store.record(ev({ ext: 'acme.b' }));
    assert.equal(s.store.stats().pending, 100);
    assert.throws(
      () => s.store.flush(),
      /^AuditStoreError: 150 audit events could not be written to .*audit\.db: .*database is locked/,
    );
    await sleep(50);
    assert.equal(s.errors.length, 1, 'the failure is reported once, not per retry');
    assert.match(
      s.errors[0]!,
      /database is locked; 10 audit events wait in memory \(at most 100, then they are counted as lost\); retrying/,
    );
    blocker.prepare('COMMIT').run();
    // The store retries by itself (with back-off).
    for (let t = 0; t < 100 && s.store.stats().pending > 0; t++) await sleep(50);
    assert.equal(s.store.stats().pending, 0);
    assert.match(s.errors[1]!, /writing again after \d+ failed tries/);
    const all = [...s.store.pages({})].flat();
    assert.equal(all.length, 102);
    assert.deepEqual(
      all.slice(0, 100).map((e) => e.target),
      Array.from({ length: 100 }, (_, i) => `/${i}`),
      'the queued events are kept, in order',
    );
    const lost = all.slice(100);
    assert.deepEqual(
      lost.map((e) => [e.ext, e.layer, e.kind, e.op, e.decision, e.outcome]),
      [
        ['acme.a', 'host', 'limit', 'audit', undefined, 'limit'],
        ['acme.b', 'host', 'limit', 'audit', undefined, 'limit'],
      ],
    );
    assert.match(
      lost[0]!.reason,
      /^30 audit events were lost between \S+ and \S+: the audit store could not keep up \(.*database is locked\)$/,
    );
    assert.match(lost[1]!.reason, /^20 audit events were lost/);
    assert.equal(s.store.verify().ok, true);
  } finally {
    blocker.close();
    s.cleanup();
  }
});

test('a short lock is waited out: no event is lost and nothing is reported', () => {
  const s = freshStore({ batchSize: 5, busyTimeoutMs: 2000 });
  const other = new Database(s.path, { timeout: 2000 });
  try {
    for (let i = 0; i < 50; i++) {
      s.store.record(ev());
      other
        .prepare(
          "INSERT INTO meta (key, value) VALUES ('probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .run(String(i));
    }
    s.store.flush();
    assert.equal(s.store.count(), 50);
    assert.deepEqual(s.errors, []);
  } finally {
    other.close();
    s.cleanup();
  }
});
