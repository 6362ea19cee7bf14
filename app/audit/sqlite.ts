// Opens the audit store's SQLite file: loads better-sqlite3 on first use (so that commands which
// never touch the store, such as `corral exec`, never load the native module), applies the pragmas
// and creates or checks the schema. The schema is described in docs/audit.md.
import type BetterSqlite3 from 'better-sqlite3';
import { betterSqlite3, createPrivateFile, storedSchemaVersion } from '../platform/sqlite-file.ts';

export type SqliteDatabase = BetterSqlite3.Database;

/**
 * The schema version this code writes (meta key `schema`). 2 (audit event version 2) added the
 * columns `outcome` and `v`; a version 1 store is migrated when opened for writing, and read as
 * it is when opened read-only.
 */
export const SCHEMA_VERSION = 2;

/** A failure a person can act on: one line naming the file and the fix. */
export class AuditStoreError extends Error {
  override name = 'AuditStoreError';
}

/** better-sqlite3, or the error that says how to get it. */
const sqlite = () =>
  betterSqlite3(
    (why) =>
      new AuditStoreError(
        `the audit store needs the native module better-sqlite3, which did not load (${why}); ` +
          'fix: run "npm install" in the Corral folder (inside Electron, rebuild it for Electron), ' +
          'or write JSON lines with --audit FILE',
      ),
  );

const DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  ts TEXT NOT NULL,
  ext TEXT NOT NULL,
  layer TEXT NOT NULL,
  kind TEXT NOT NULL,
  op TEXT NOT NULL,
  target TEXT NOT NULL,
  decision TEXT NOT NULL,              -- '' when the event has no decision (event version 2)
  reason TEXT NOT NULL,
  duration_us REAL,
  hash BLOB NOT NULL,
  outcome TEXT,                        -- after hash: where ALTER TABLE puts them in a migrated store
  v INTEGER                            -- NULL for an event of version 1
);
-- Each index serves a first page (newest first) without a sort: by extension, by kind, and the
-- denials (partial indexes, so allowed events, the bulk, cost nothing extra to write).
CREATE INDEX events_ext ON events (ext, seq);
CREATE INDEX events_kind ON events (kind, seq);
CREATE INDEX events_deny ON events (seq) WHERE decision = 'deny';
CREATE INDEX events_ext_deny ON events (ext, seq) WHERE decision = 'deny';
-- Every (extension, kind, op) ever recorded and the seq that first did it: the first-seen alert
-- rule and "what has this extension ever done" read it instead of scanning the log.
CREATE TABLE access_kinds (
  ext TEXT NOT NULL,
  kind TEXT NOT NULL,
  op TEXT NOT NULL,
  first_seq INTEGER NOT NULL,
  PRIMARY KEY (ext, kind, op)
) WITHOUT ROWID;
`;

export interface OpenOptions {
  /** Open an existing store without writing to it (corral log). */
  readonly?: boolean;
  busyTimeoutMs?: number;
  /** 'full' fsyncs every commit (survives power loss); 'normal' survives any process crash. */
  durability?: 'normal' | 'full';
  /** false: a single-file database (rotation archives), not WAL. */
  wal?: boolean;
  /** Told when a store of an older schema was migrated to this one (the store records it). */
  onMigrated?: (from: number) => void;
}

/** Opens (and, unless read-only, creates) the store at `path`, checked against SCHEMA_VERSION. */
export function openDatabase(path: string, o: OpenOptions = {}): SqliteDatabase {
  const Database = sqlite();
  if (!o.readonly) createPrivateFile(path);
  let db: SqliteDatabase;
  try {
    db = new Database(path, {
      readonly: o.readonly === true,
      fileMustExist: true,
      timeout: o.busyTimeoutMs ?? 1000,
    });
  } catch (e) {
    throw storeError(path, e);
  }
  try {
    // `corral log --file` may open a file someone else made: never run functions from its
    // views or triggers (https://sqlite.org/pragma.html#pragma_trusted_schema).
    db.pragma('trusted_schema = OFF');
    if (!o.readonly) {
      // auto_vacuum must precede the first table; it lets retention give space back.
      db.pragma('auto_vacuum = INCREMENTAL');
      db.pragma(`journal_mode = ${o.wal === false ? 'DELETE' : 'WAL'}`);
      db.pragma(`synchronous = ${o.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    }
    const version = schemaVersion(db, path);
    if (version === null) {
      if (o.readonly) throw new AuditStoreError(`${path} is empty: it holds no audit store yet`);
      db.transaction(() => {
        // Two processes may create the store at once: the second finds the tables made.
        if (schemaVersion(db, path) !== null) return;
        db.exec(DDL);
        db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(
          'schema',
          String(SCHEMA_VERSION),
        );
      }).immediate();
    } else if (version === 1) {
      if (o.readonly) readVersion1(db);
      else if (migrateFrom1(db, path)) o.onMigrated?.(1);
    } else if (version !== SCHEMA_VERSION) {
      throw new AuditStoreError(
        `${path} is an audit store of schema version ${version}; this Corral reads versions 1 and ${SCHEMA_VERSION}; fix: use the Corral that wrote it, or export it with that version`,
      );
    }
    return db;
  } catch (e) {
    db.close();
    throw storeError(path, e);
  }
}

/**
 * Schema 1 → 2: two columns, added in one IMMEDIATE transaction (instant, whatever the size of the
 * log); the stored events are not touched, so the chain still verifies. False when another
 * process migrated it first.
 */
function migrateFrom1(db: SqliteDatabase, path: string): boolean {
  return db
    .transaction(() => {
      if (schemaVersion(db, path) !== 1) return false;
      db.exec(
        'ALTER TABLE events ADD COLUMN outcome TEXT; ALTER TABLE events ADD COLUMN v INTEGER;',
      );
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(String(SCHEMA_VERSION));
      return true;
    })
    .immediate();
}

/**
 * A version 1 store opened read-only (`corral log --file` on an old copy): a temporary view named
 * `events` shadows the table with the two columns it lacks, so every query reads it unchanged.
 */
function readVersion1(db: SqliteDatabase): void {
  db.exec(
    `CREATE TEMP VIEW events AS SELECT seq, ts, ext, layer, kind, op, target, decision, reason,
       duration_us, hash, NULL AS outcome, NULL AS v FROM main.events`,
  );
}

/** The stored schema version, or null for a file with no tables at all. */
function schemaVersion(db: SqliteDatabase, path: string): number | null {
  const version = storedSchemaVersion(db, 'events');
  if (version === 'foreign')
    throw new AuditStoreError(
      `${path} is an SQLite database but not a Corral audit store; fix: give the audit store's path (default: $XDG_STATE_HOME/corral/audit.db)`,
    );
  return version;
}

/** Turns an SQLite failure into one line naming the file. */
export function storeError(path: string, e: unknown): AuditStoreError {
  if (e instanceof AuditStoreError) return e;
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_NOTADB')
    return new AuditStoreError(
      `${path} is not an audit store (not an SQLite database); fix: give the audit store's path, or read a JSON-lines log with --file`,
    );
  if (code === 'SQLITE_CANTOPEN')
    return new AuditStoreError(`cannot open the audit store ${path} (${message})`);
  return new AuditStoreError(`audit store ${path}: ${message}`);
}
