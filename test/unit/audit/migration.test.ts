// Audit event version 2 over a store written by version 1 (issue 13): opening it for writing
// migrates the schema in place without touching a stored event, so the chain still verifies; the
// old events read back exactly as written; the log says where the version changed; and counting
// denials leaves out what version 1 wrote as "deny" for lifecycle and limit events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chainHash, GENESIS_HASH } from '../../../app/audit/chain.ts';
import type { AuditEvent } from '../../../app/audit-event/event.ts';
import { openAuditStore } from '../../../app/audit/store.ts';
import { ev, tempDir } from './support.ts';

// The schema version 1 Corral created (app/audit/sqlite.ts before event version 2).
const V1_DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE events (seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, ext TEXT NOT NULL,
  layer TEXT NOT NULL, kind TEXT NOT NULL, op TEXT NOT NULL, target TEXT NOT NULL,
  decision TEXT NOT NULL, reason TEXT NOT NULL, duration_us REAL, hash BLOB NOT NULL);
CREATE INDEX events_ext ON events (ext, seq);
CREATE INDEX events_kind ON events (kind, seq);
CREATE INDEX events_deny ON events (seq) WHERE decision = 'deny';
CREATE INDEX events_ext_deny ON events (ext, seq) WHERE decision = 'deny';
CREATE TABLE access_kinds (ext TEXT NOT NULL, kind TEXT NOT NULL, op TEXT NOT NULL,
  first_seq INTEGER NOT NULL, PRIMARY KEY (ext, kind, op)) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('schema', '1');
`;

/** Version 1 events as the old Corral wrote them: a crash and a timeout logged as "deny". */
const OLD: AuditEvent[] = [
  { seq: 0, ts: '2026-11-25T21:00:00.000Z', ...ev({ decision: 'deny', reason: 'no grant' }) },
  {
    seq: 1,
    ts: '2026-11-25T21:00:01.000Z',
    ...ev({ layer: 'host', kind: 'lifecycle', op: 'crash', decision: 'deny', reason: 'exit 3' }),
  },
  {
    seq: 2,
    ts: '2026-11-25T21:00:02.000Z',
    ...ev({ layer: 'host', kind: 'limit', op: 'timeout', decision: 'deny', reason: '30 s' }),
  },
  { seq: 3, ts: '2026-11-25T21:00:03.000Z', ...ev() },
];
delete OLD[3]!.durationUs; // read back without it, not as undefined

function versionOneStore(path: string): void {
  const db = new Database(path);
  db.exec(V1_DDL);
  const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  let hash: Buffer = GENESIS_HASH;
  for (const e of OLD) {
    hash = chainHash(hash, e);
    insert.run(
      e.seq,
      e.ts,
      e.ext,
      e.layer,
      e.kind,
      e.op,
      e.target,
      e.decision,
      e.reason,
      e.durationUs ?? null,
      hash,
    );
  }
  db.prepare("INSERT INTO meta VALUES ('head_seq', ?), ('head_hash', ?)").run(
    '3',
    hash.toString('hex'),
  );
  db.close();
}

test('a version 1 store is migrated on open: old events unchanged, new ones version 2', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = join(dir, 'audit.db');
  versionOneStore(path);
  const copy = join(dir, 'untouched.db');
  copyFileSync(path, copy);

  // Read-only (corral log --file on an old copy): read as it is, nothing migrated.
  const old = openAuditStore(copy, { readonly: true });
  assert.deepEqual(old.query({ order: 'asc', limit: 10 }), OLD);
  assert.equal(old.verify().ok, true);
  old.close();
  const meta = new Database(copy, { readonly: true });
  assert.equal(meta.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get(), '1');
  meta.close();

  const store = openAuditStore(path);
  t.after(() => store.close());
  store.record(
    ev({ layer: 'host', kind: 'lifecycle', op: 'crash', decision: undefined, outcome: 'crashed' }),
  );
  store.flush();
  const all = store.query({ order: 'asc', limit: 10 });
  assert.deepEqual(all.slice(0, 4), OLD, 'stored events read back exactly as written');
  const [migration, crash] = all.slice(4);
  assert.deepEqual(
    [migration!.v, migration!.op, migration!.outcome, migration!.decision],
    [2, 'migrate', 'ok', undefined],
  );
  assert.match(migration!.reason, /events after seq 3 are audit event version 2/);
  assert.deepEqual([crash!.v, crash!.decision, crash!.outcome], [2, undefined, 'crashed']);
  const verified = store.verify();
  assert.equal(verified.ok, true, JSON.stringify(verified));
  // Only policy refusals are denials, over old and new events alike.
  assert.deepEqual(
    store.query({ decision: 'deny', order: 'asc' }).map((e) => e.seq),
    [0],
  );
  assert.equal(store.count({ decision: 'deny' }), 1);
  assert.deepEqual(
    store.denialsPerMinute('2026-11-25T00:00:00Z').map((d) => d.denials),
    [1],
  );
  assert.deepEqual(
    store.query({ outcome: 'crashed' }).map((e) => e.seq),
    [5],
  );
  // A second open finds it migrated: no second migration event.
  const again = openAuditStore(path);
  assert.equal(again.count({ kind: 'lifecycle' }), 3);
  again.close();
});
