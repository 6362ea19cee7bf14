// The hash chain: canonical JSON, the walk, and tampering with a stored log by hand (editing,
// deleting, reordering rows and cutting the end), which `verify` must name by seq.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { GENESIS_HASH, canonicalJson, chainHash, walkChain } from '../../../app/audit/chain.ts';
import type { AuditEvent } from '../../../app/audit-event/event.ts';
import { openAuditStore } from '../../../app/audit/store.ts';
import { ev, freshStore } from './support.ts';

const base: AuditEvent = {
  seq: 42,
  ts: '2026-11-25T21:04:05.123Z',
  ext: 'acme.word-count',
  layer: 'broker',
  kind: 'fs',
  op: 'read',
  target: '/home/u/notes/a.md',
  decision: 'allow',
  reason: 'grant fs[0]',
  durationUs: 180,
};

test('canonical JSON: keys sorted, no spaces, an absent durationUs absent', () => {
  assert.equal(
    canonicalJson(base),
    '{"decision":"allow","durationUs":180,"ext":"acme.word-count","kind":"fs","layer":"broker","op":"read","reason":"grant fs[0]","seq":42,"target":"/home/u/notes/a.md","ts":"2026-11-25T21:04:05.123Z"}',
  );
  assert.equal(canonicalJson({ ...base, durationUs: undefined }).includes('durationUs'), false);
  // Key order of the input object does not matter.
  const shuffled = Object.fromEntries(Object.entries(base).reverse()) as AuditEvent;
  assert.equal(canonicalJson(shuffled), canonicalJson(base));
});

test('chainHash is sha256(previous hash ‖ canonical JSON)', async () => {
  const { createHash } = await import('node:crypto');
  const prev = Buffer.alloc(32, 9);
  const expected = createHash('sha256').update(prev).update(canonicalJson(base)).digest();
  assert.deepEqual(chainHash(prev, base), expected);
});

const text = fc.string({ unit: 'binary', maxLength: 40 });
const eventArb = fc.record({
  ext: text,
  layer: fc.constantFrom('broker', 'kernel', 'host' as const),
  kind: fc.constantFrom('fs', 'net', 'ipc', 'process', 'limit', 'permission', 'lifecycle' as const),
  op: text,
  target: text,
  decision: fc.constantFrom('allow', 'deny' as const),
  outcome: fc.option(fc.constantFrom('ok', 'failed', 'crashed' as const), { nil: undefined }),
  reason: text,
  durationUs: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true }), { nil: undefined }),
});

type Input = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

/** Events numbered from 0 with their chain hashes. */
function chained(inputs: Input[]) {
  let prev: Buffer = GENESIS_HASH;
  return inputs.map((input, seq) => {
    const { durationUs, ...rest } = input;
    const event: AuditEvent = {
      seq,
      ts: new Date(1_700_000_000_000 + seq).toISOString(),
      ...rest,
      ...(durationUs === undefined ? {} : { durationUs }),
    };
    prev = chainHash(prev, event);
    return { event, hash: prev };
  });
}

test('property: any sequence of events verifies, and any single changed byte is caught at its seq', () => {
  fc.assert(
    fc.property(
      fc.array(eventArb, { minLength: 1, maxLength: 30 }),
      fc.nat(),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      (inputs, pick, at, xor) => {
        const stored = chained(inputs);
        assert.equal(walkChain({ seq: -1, hash: GENESIS_HASH }, stored).ok, true);
        const victim = pick % stored.length;
        // Change one byte of either the event's canonical JSON or its stored hash.
        const json = Buffer.from(canonicalJson(stored[victim]!.event));
        const inHash = at % 2 === 0;
        const tampered = stored.map((s) => ({ event: s.event, hash: Buffer.from(s.hash) }));
        if (inHash) {
          tampered[victim]!.hash[at % 32]! ^= xor;
        } else {
          json[at % json.length]! ^= xor;
          let event: AuditEvent;
          try {
            event = JSON.parse(json.toString('utf8')) as AuditEvent;
          } catch {
            return; // no longer JSON: a store could not even read it back as an event
          }
          if (canonicalJson(event) === canonicalJson(stored[victim]!.event)) return; // e.g. a byte of an invalid UTF-8 sequence decoding the same
          tampered[victim]!.event = event;
        }
        const walk = walkChain({ seq: -1, hash: GENESIS_HASH }, tampered);
        assert.equal(walk.ok, false);
        if (!walk.ok) assert.equal(walk.brokenSeq, victim);
      },
    ),
    { numRuns: 300 },
  );
});

test('property: events recorded through the store verify, and a changed byte in any stored field is caught', () => {
  const s = freshStore();
  try {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 10 }),
        fc.constantFrom('ext', 'op', 'target', 'reason', 'ts'),
        fc.nat(),
        (inputs, column, pick) => {
          const first = s.store.headSeq() + 1;
          for (const i of inputs) s.store.record(i);
          s.store.flush();
          assert.equal(s.store.verify().ok, true);
          const seq = first + (pick % inputs.length);
          const db = new Database(s.path);
          try {
            // Append a character (a changed byte at the end); SQLite stores what it is given.
            const original = db
              .prepare(`SELECT ${column} FROM events WHERE seq = ?`)
              .pluck()
              .get(seq);
            db.prepare(`UPDATE events SET ${column} = ${column} || 'x' WHERE seq = ?`).run(seq);
            const r = s.store.verify();
            assert.equal(r.ok, false);
            if (!r.ok) assert.equal(r.brokenSeq, seq);
            // Put back exactly what was there (substr and length stop at a NUL character).
            db.prepare(`UPDATE events SET ${column} = ? WHERE seq = ?`).run(original, seq);
          } finally {
            db.close();
          }
          assert.equal(s.store.verify().ok, true, 'restored');
        },
      ),
      { numRuns: 40 },
    );
  } finally {
    s.cleanup();
  }
});

/** A store of 20 events and a raw connection to tamper with it. */
function tamperable() {
  const s = freshStore();
  for (let i = 0; i < 20; i++) s.store.record(ev({ target: `/f/${i}` }));
  s.store.close();
  const db = new Database(s.path);
  const verify = () => {
    const store = openAuditStore(s.path, { readonly: true });
    try {
      return store.verify();
    } finally {
      store.close();
    }
  };
  return { db, verify, cleanup: () => (db.close(), s.cleanup()) };
}

test('verify names the edited row when a row is changed with sqlite directly', () => {
  const t = tamperable();
  try {
    assert.deepEqual(t.verify(), { ...t.verify(), ok: true, events: 20 });
    t.db
      .prepare("UPDATE events SET decision = 'allow', target = '/f/innocent' WHERE seq = 7")
      .run();
    const r = t.verify();
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.brokenSeq, 7);
    assert.equal(!r.ok && r.events, 7);
    assert.match(!r.ok ? r.reason : '', /hash does not match/);
  } finally {
    t.cleanup();
  }
});

test('verify names a deleted row', () => {
  const t = tamperable();
  try {
    t.db.prepare('DELETE FROM events WHERE seq IN (12, 13)').run();
    const r = t.verify();
    assert.deepEqual(r.ok ? null : [r.brokenSeq, r.reason], [
      12,
      'seq 12..13 is missing (deleted)',
    ]);
  } finally {
    t.cleanup();
  }
});

test('verify catches reordered rows, even with their hashes moved along', () => {
  const t = tamperable();
  try {
    // Swap the contents of seq 4 and 5, each row keeping the hash it was stored with.
    t.db.exec(`
      UPDATE events SET seq = -1 WHERE seq = 4;
      UPDATE events SET seq = 4 WHERE seq = 5;
      UPDATE events SET seq = 5 WHERE seq = -1;`);
    const r = t.verify();
    assert.equal(!r.ok && r.brokenSeq, 4);
  } finally {
    t.cleanup();
  }
});

test('verify catches a rewritten hash, and events cut off the end', () => {
  const t = tamperable();
  try {
    t.db.prepare('UPDATE events SET hash = zeroblob(32) WHERE seq = 19').run();
    assert.equal(((r) => !r.ok && r.brokenSeq)(t.verify()), 19);
  } finally {
    t.cleanup();
  }
  const cut = tamperable();
  try {
    cut.db.prepare('DELETE FROM events WHERE seq >= 17').run();
    const r = cut.verify();
    assert.equal(!r.ok && r.brokenSeq, 17);
    assert.match(!r.ok ? r.reason : '', /head record says 19: events were cut off the end/);
  } finally {
    cut.cleanup();
  }
});
