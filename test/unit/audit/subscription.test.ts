// The live stream: batches by size and delay, filters, a slow subscriber paused and resumed from
// the store without losing anything, retention's deletions reported as missed, other writers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditBatch } from '../../../app/audit/subscription.ts';
import { openAuditStore } from '../../../app/audit/store.ts';
import { ev, freshStore } from './support.ts';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function until(check: () => boolean, ms = 3000): Promise<void> {
  for (const end = Date.now() + ms; !check();) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(5);
  }
}

test('a burst arrives in batches of at most maxBatch, in order, each event once', async () => {
  const s = freshStore();
  try {
    const batches: AuditBatch[] = [];
    s.store.subscribe({}, (b) => void batches.push(b), { maxBatch: 10, maxDelayMs: 30 });
    for (let i = 0; i < 25; i++) s.store.record(ev({ target: `/${i}` }));
    s.store.flush();
    await until(() => batches.flatMap((b) => b.events).length === 25);
    assert.deepEqual(
      batches.map((b) => b.events.length),
      [10, 10, 5],
    );
    assert.deepEqual(
      batches.flatMap((b) => b.events.map((e) => e.target)),
      Array.from({ length: 25 }, (_, i) => `/${i}`),
    );
    assert.equal(batches[0]!.headSeq, 24);
  } finally {
    s.cleanup();
  }
});

test('commits close together share one batch: delivery waits maxDelayMs for more', async () => {
  const s = freshStore();
  try {
    const batches: AuditBatch[] = [];
    s.store.subscribe({}, (b) => void batches.push(b), { maxBatch: 100, maxDelayMs: 80 });
    s.store.record(ev());
    s.store.flush();
    await sleep(10);
    s.store.record(ev());
    s.store.flush();
    assert.equal(batches.length, 0, 'not yet: the delay runs from the first event');
    await until(() => batches.length > 0);
    await sleep(100);
    assert.deepEqual(
      batches.map((b) => b.events.length),
      [2],
    );
  } finally {
    s.cleanup();
  }
});

test('a subscription sees only what matches its filter, and only what comes after it', async () => {
  const s = freshStore();
  try {
    s.store.record(ev({ decision: 'deny' }));
    s.store.flush();
    const got: string[] = [];
    s.store.subscribe(
      { ext: 'acme.a', decision: 'deny' },
      (b) => void got.push(...b.events.map((e) => `${e.ext} ${e.decision} ${e.target}`)),
      { maxDelayMs: 0 },
    );
    s.store.record(ev({ ext: 'acme.a', decision: 'deny', target: '/1' }));
    s.store.record(ev({ ext: 'acme.a', decision: 'allow', target: '/2' }));
    s.store.record(ev({ ext: 'acme.b', decision: 'deny', target: '/3' }));
    s.store.record(ev({ ext: 'acme.a', decision: 'deny', target: '/4' }));
    s.store.flush();
    await until(() => got.length === 2);
    await sleep(30);
    assert.deepEqual(got, ['acme.a deny /1', 'acme.a deny /4']);
  } finally {
    s.cleanup();
  }
});

test('a slow subscriber is paused, never sent two batches at once, and still gets every event', async () => {
  const s = freshStore({ batchSize: 50 });
  try {
    const seqs: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    s.store.subscribe(
      {},
      async (b) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(20);
        seqs.push(...b.events.map((e) => e.seq));
        inFlight--;
      },
      { maxBatch: 64, maxDelayMs: 5 },
    );
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 200; i++) s.store.record(ev());
      s.store.flush();
      await sleep(2);
    }
    await until(() => seqs.length === 2000, 10_000);
    assert.equal(maxInFlight, 1);
    assert.deepEqual(
      seqs,
      Array.from({ length: 2000 }, (_, i) => i),
    );
  } finally {
    s.cleanup();
  }
});

test('events retention deletes before a paused subscriber reads them arrive as a missed count', async () => {
  const s = freshStore();
  try {
    const batches: AuditBatch[] = [];
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    s.store.subscribe(
      {},
      async (b) => {
        batches.push(b);
        if (batches.length === 1) await gate;
      },
      { maxBatch: 5, maxDelayMs: 0, afterSeq: -1 },
    );
    for (let i = 0; i < 10; i++) s.store.record(ev());
    s.store.flush();
    await until(() => batches.length === 1);
    s.store.applyRetention({ maxEvents: 2 }); // deletes seq 0..7 while the subscriber waits
    release();
    await until(() => batches.length >= 2);
    await sleep(20);
    assert.deepEqual(batches[1]!.missed, { fromSeq: 5, toSeq: 7, count: 3 });
    assert.deepEqual(
      batches.slice(1).flatMap((b) => b.events.map((e) => e.seq)),
      [8, 9, 10],
    );
  } finally {
    s.cleanup();
  }
});

test("another process's commits arrive within pollMs", async () => {
  const s = freshStore({ pollMs: 20 });
  const other = openAuditStore(s.path);
  try {
    const got: string[] = [];
    s.store.subscribe({}, (b) => void got.push(...b.events.map((e) => e.ext)), { maxDelayMs: 0 });
    other.record(ev({ ext: 'acme.elsewhere' }));
    other.flush();
    await until(() => got.length === 1, 1000);
    assert.deepEqual(got, ['acme.elsewhere']);
  } finally {
    other.close();
    s.cleanup();
  }
});

test('close() stops delivery; a subscriber that throws is stopped and reported', async () => {
  const s = freshStore();
  try {
    let calls = 0;
    const sub = s.store.subscribe({}, () => void calls++, { maxDelayMs: 0 });
    sub.close();
    s.store.record(ev());
    s.store.flush();
    await sleep(30);
    assert.equal(calls, 0);

    let thrown = 0;
    const bad = s.store.subscribe(
      {},
      () => {
        thrown++;
        throw new Error('the UI went away');
      },
      { maxDelayMs: 0 },
    );
    s.store.record(ev());
    s.store.flush();
    await until(() => s.errors.length === 1);
    assert.match(s.errors[0]!, /an audit subscriber failed and was stopped: the UI went away/);
    s.store.record(ev());
    s.store.flush();
    await sleep(30);
    assert.equal(thrown, 1);
    assert.equal(bad.lastSeq, 1);
  } finally {
    s.cleanup();
  }
});
