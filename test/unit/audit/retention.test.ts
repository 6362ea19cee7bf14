// Retention and rotation delete a prefix of the log, and the chain stays verifiable: from the
// anchor in the live store, and on its own in the archive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openAuditStore, STORE_EXT } from '../../../app/audit/store.ts';
import { ev, freshStore, manualClock } from './support.ts';

test('maxEvents keeps the newest events; the chain verifies from the anchor; the deletion is logged', () => {
  const s = freshStore();
  try {
    for (let i = 0; i < 100; i++) s.store.record(ev({ target: `/${i}` }));
    s.store.flush();
    const before = s.store.verify();
    assert.equal(before.ok, true);
    assert.deepEqual(s.store.applyRetention({ maxEvents: 30 }), { deleted: 70 });
    const after = s.store.verify();
    assert.deepEqual(after.ok && [after.events, after.firstSeq, after.lastSeq, after.anchorSeq], [
      31, // the 30 kept and the retention event
      70,
      100,
      69,
    ]);
    const [note] = s.store.query({ ext: STORE_EXT, limit: 1 });
    assert.equal(note!.op, 'retention');
    assert.match(
      note!.reason,
      /^deleted 70 events beyond the newest 30 \(seq 0\.\.69\); the chain continues from the anchor at seq 69 \(hash [0-9a-f]{64}\)$/,
    );
    // Later events chain on, and a second pass deletes only what is new beyond the limit.
    for (let i = 0; i < 5; i++) s.store.record(ev());
    s.store.flush();
    assert.deepEqual(s.store.applyRetention({ maxEvents: 30 }), { deleted: 6 });
    assert.equal(s.store.verify().ok, true);
    assert.deepEqual(s.store.applyRetention({ maxEvents: 1000 }), { deleted: 0 });
  } finally {
    s.cleanup();
  }
});

test('maxAgeDays deletes what is older than the cutoff, and only that', () => {
  const clock = manualClock('2026-11-01T00:00:00.000Z');
  const s = freshStore({ now: clock.now });
  try {
    for (let day = 0; day < 10; day++) {
      for (let i = 0; i < 3; i++) s.store.record(ev({ target: `/day${day}/${i}` }));
      s.store.flush();
      clock.advance(86_400_000);
    }
    // Now 2026-11-11: keep the last 4 days (from 2026-11-07T00:00).
    const r = s.store.applyRetention({ maxAgeDays: 4 });
    assert.equal(r.deleted, 18);
    const oldest = s.store.query({ order: 'asc', limit: 1 })[0]!;
    assert.equal(oldest.target, '/day6/0');
    assert.equal(s.store.verify().ok, true);
  } finally {
    s.cleanup();
  }
});

test('retention configured at open runs then, and a log emptied by it still verifies and continues', () => {
  const s = freshStore();
  try {
    for (let i = 0; i < 10; i++) s.store.record(ev());
    s.store.close();
    const clock = manualClock('2030-01-01T00:00:00.000Z');
    const later = openAuditStore(s.path, { retention: { maxAgeDays: 1 }, now: clock.now });
    try {
      const v = later.verify();
      assert.deepEqual(v.ok && [v.events, v.anchorSeq], [1, 9], 'only the retention event is left');
      later.record(ev());
      later.flush();
      assert.equal(later.verify().ok, true);
    } finally {
      later.close();
    }
  } finally {
    s.cleanup();
  }
});

test('a retention event emptied by a later pass leaves an anchor-only log that verifies', () => {
  const s = freshStore();
  try {
    for (let i = 0; i < 5; i++) s.store.record(ev());
    s.store.flush();
    s.store.applyRetention({ maxEvents: 0 }); // deletes 0..4, then records the retention event (5)
    s.store.applyRetention({ maxEvents: 0 }); // deletes 5, records 6
    const v = s.store.verify();
    assert.deepEqual(v.ok && [v.events, v.firstSeq, v.anchorSeq], [1, 6, 5]);
  } finally {
    s.cleanup();
  }
});

test('rotation moves the events to an archive that verifies alone; the live chain continues from it', () => {
  const s = freshStore();
  try {
    for (let i = 0; i < 50; i++) s.store.record(ev({ target: `/${i}` }));
    s.store.flush();
    const archivePath = join(s.dir, 'audit-2026-11.db');
    const r = s.store.rotate(archivePath);
    assert.deepEqual(r, { archived: 50, fromSeq: 0, toSeq: 49 });
    const archive = openAuditStore(archivePath, { readonly: true });
    const live = s.store.verify();
    try {
      const a = archive.verify();
      assert.deepEqual(a.ok && [a.events, a.firstSeq, a.lastSeq, a.anchorSeq], [50, 0, 49, -1]);
      assert.equal(archive.query({ limit: 1 })[0]!.target, '/49');
      assert.equal(archive.accessKinds().length, 1);
      assert.deepEqual(live.ok && [live.events, live.firstSeq, live.anchorSeq], [1, 50, 49]);
      // The live anchor is the archive's head: one chain across the two files.
      const [rotated] = s.store.query({ limit: 1 });
      assert.equal(rotated!.op, 'rotate');
      assert.ok(a.ok && rotated!.reason.endsWith(`its last hash ${a.headHash}`));
    } finally {
      archive.close();
    }
    // A second rotation archives from the anchor on, and its archive verifies from that anchor.
    for (let i = 0; i < 5; i++) s.store.record(ev());
    s.store.flush();
    const second = join(s.dir, 'audit-2026-12.db');
    assert.deepEqual(s.store.rotate(second), { archived: 6, fromSeq: 50, toSeq: 55 });
    const a2 = openAuditStore(second, { readonly: true });
    try {
      const v = a2.verify();
      assert.deepEqual(v.ok && [v.events, v.firstSeq, v.anchorSeq], [6, 50, 49]);
    } finally {
      a2.close();
    }
    assert.throws(() => s.store.rotate(second), /audit-2026-12\.db exists; fix: choose a new file/);
    assert.equal(existsSync(`${second}-wal`), false, 'an archive is one self-contained file');
  } finally {
    s.cleanup();
  }
});
