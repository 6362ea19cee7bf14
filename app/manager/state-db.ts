// The extension manager's state in SQLite (WAL, synchronous=FULL): one row per installed extension
// with its versions, consent, revoked and allowed-always grants and flags, plus the trusted
// publisher keys and settings. SQLite gives what a state file would have to rebuild by hand: a
// commit is atomic and durable, a `kill -9` at any moment leaves the last commit, and its file
// locks (released by the kernel when a process dies) let the CLI and the app write at once.
// Every JSON column is checked by its zod schema when read. Schema: docs/security.md.
import type BetterSqlite3 from 'better-sqlite3';
import { betterSqlite3, createPrivateFile, storedSchemaVersion } from '../platform/sqlite-file.ts';
import * as z from 'zod';
import { manifestSchema } from '../policy/manifest.ts';
import { signatureStatusSchema, type TrustedKey } from './signature.ts';

export type StateDatabase = BetterSqlite3.Database;

/** The schema version this code reads and writes (meta key `schema`). */
export const STATE_SCHEMA_VERSION = 1;

/** A writer waits this long for another (the CLI and the app at once) before giving up. */
const BUSY_TIMEOUT_MS = 15_000;

export class StateError extends Error {
  override name = 'StateError';
}

const DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE extensions (
  id TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  quarantine TEXT,
  installed_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  current TEXT NOT NULL,
  previous TEXT,
  pending TEXT,
  revoked TEXT NOT NULL,
  allowed_always TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE trusted_keys (
  key_id TEXT PRIMARY KEY,
  publisher TEXT NOT NULL,
  public_key TEXT NOT NULL,
  added_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

/** One installed (or pending, or previous) version of an extension. */
export const installedVersionSchema = z.strictObject({
  version: z.string(),
  /** Its folder, relative to the extensions folder: "ID/VERSION". */
  dir: z.string(),
  format: z.enum(['folder', 'tgz', 'tar', 'zip']),
  /** The package it came from, as given to `corral install`. */
  source: z.string(),
  /** sha256 of the archive's bytes (for a folder: of its files, as contentSha256). */
  packageSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** tree-hash.ts over the installed files: what a signature covers and `corral run` re-checks. */
  contentSha256: z.string().regex(/^[0-9a-f]{64}$/),
  signature: signatureStatusSchema,
  manifest: manifestSchema,
  stagedAt: z.string(),
  /** When the user consented to its permissions; null while it waits (pending). */
  consentedAt: z.string().nullable(),
});
export type InstalledVersion = z.infer<typeof installedVersionSchema>;

const quarantineSchema = z.strictObject({ at: z.string(), reason: z.string() });
const rulesSchema = z.array(z.string());

export interface ExtensionRecord {
  id: string;
  enabled: boolean;
  /** Set by `corral quarantine`: stopped, disabled, optional grants revoked, files kept. */
  quarantine: { at: string; reason: string } | null;
  installedAt: string;
  updatedAt: string;
  current: InstalledVersion;
  /** The version before the last update, kept for `corral rollback`. */
  previous: InstalledVersion | null;
  /** An update whose new permissions wait for consent. */
  pending: InstalledVersion | null;
  /** Revoked grants, as canonical rule lines (app/consent/grants.ts). */
  revoked: string[];
  /** Optional grants the user allowed always, as grant ids (app/consent/grants.ts). */
  allowedAlways: string[];
}

interface ExtensionRow {
  id: string;
  enabled: number;
  quarantine: string | null;
  installed_at: string;
  updated_at: string;
  current: string;
  previous: string | null;
  pending: string | null;
  revoked: string;
  allowed_always: string;
}

/** better-sqlite3, or the error that says how to get it. */
const sqlite = () =>
  betterSqlite3(
    (why) =>
      new StateError(
        `the extension manager needs the native module better-sqlite3, which did not load (${why}); fix: run "npm install" in the Corral folder`,
      ),
  );

/** Opens (creating if needed) the state database at `path`, checked against the schema version. */
export function openStateDb(path: string): StateDatabase {
  const Database = sqlite();
  createPrivateFile(path);
  let db: StateDatabase;
  try {
    db = new Database(path, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (e) {
    throw stateError(path, e);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.transaction(() => {
      const version = schemaVersion(db, path);
      if (version === null) {
        db.exec(DDL);
        db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(
          String(STATE_SCHEMA_VERSION),
        );
      } else if (version !== STATE_SCHEMA_VERSION) {
        throw new StateError(
          `${path} holds extension state of schema version ${version}; this Corral reads version ${STATE_SCHEMA_VERSION}; fix: use the Corral that wrote it`,
        );
      }
    }).immediate();
    return db;
  } catch (e) {
    db.close();
    throw stateError(path, e);
  }
}

function schemaVersion(db: StateDatabase, path: string): number | null {
  const version = storedSchemaVersion(db, 'extensions');
  if (version === 'foreign')
    throw new StateError(`${path} is an SQLite database but not Corral's extension state`);
  return version;
}

/** One line naming the file for an SQLite failure. */
export function stateError(path: string, e: unknown): StateError {
  if (e instanceof StateError) return e;
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return new StateError(`${path} is damaged or not an SQLite database (${message})`);
  if (code === 'SQLITE_BUSY')
    return new StateError(
      `${path} stayed locked by another corral for ${BUSY_TIMEOUT_MS / 1000} s; fix: try again`,
    );
  return new StateError(`extension state ${path}: ${message}`);
}

// ---- rows ----------------------------------------------------------------------------------

/** The record of extension `id`, or null. */
export function readExtension(db: StateDatabase, id: string): ExtensionRecord | null {
  const row = db.prepare('SELECT * FROM extensions WHERE id = ?').get(id) as
    ExtensionRow | undefined;
  return row ? fromRow(row) : null;
}

/** Every record, by id. */
export function readExtensions(db: StateDatabase): ExtensionRecord[] {
  const rows = db.prepare('SELECT * FROM extensions ORDER BY id').all() as ExtensionRow[];
  return rows.map(fromRow);
}

/** Inserts or replaces the record (call inside a transaction). */
export function writeExtension(db: StateDatabase, r: ExtensionRecord): void {
  db.prepare(
    `INSERT OR REPLACE INTO extensions
       (id, enabled, quarantine, installed_at, updated_at, current, previous, pending, revoked, allowed_always)
     VALUES (@id, @enabled, @quarantine, @installed_at, @updated_at, @current, @previous, @pending, @revoked, @allowed_always)`,
  ).run(toRow(r));
}

export function deleteExtension(db: StateDatabase, id: string): void {
  db.prepare('DELETE FROM extensions WHERE id = ?').run(id);
}

function fromRow(row: ExtensionRow): ExtensionRecord {
  const json = <T>(schema: z.ZodType<T>, text: string, column: string): T => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const r = schema.safeParse(value);
    if (!r.success)
      throw new StateError(
        `the state of ${row.id} is damaged (column ${column}); fix: run "corral uninstall ${row.id}" and install it again`,
      );
    return r.data;
  };
  const version = (text: string | null, column: string) =>
    text === null ? null : json(installedVersionSchema, text, column);
  return {
    id: row.id,
    enabled: row.enabled === 1,
    quarantine:
      row.quarantine === null ? null : json(quarantineSchema, row.quarantine, 'quarantine'),
    installedAt: row.installed_at,
    updatedAt: row.updated_at,
    current: version(row.current, 'current')!,
    previous: version(row.previous, 'previous'),
    pending: version(row.pending, 'pending'),
    revoked: json(rulesSchema, row.revoked, 'revoked'),
    allowedAlways: json(rulesSchema, row.allowed_always, 'allowed_always'),
  };
}

function toRow(r: ExtensionRecord): ExtensionRow {
  const text = (v: unknown) => (v === null ? null : JSON.stringify(v));
  return {
    id: r.id,
    enabled: r.enabled ? 1 : 0,
    quarantine: text(r.quarantine),
    installed_at: r.installedAt,
    updated_at: r.updatedAt,
    current: JSON.stringify(r.current),
    previous: text(r.previous),
    pending: text(r.pending),
    revoked: JSON.stringify(r.revoked),
    allowed_always: JSON.stringify(r.allowedAlways),
  };
}

// ---- trusted keys and settings ---------------------------------------------------------------

export function readTrustedKeys(db: StateDatabase): (TrustedKey & { addedAt: string })[] {
  const rows = db
    .prepare(
      'SELECT key_id, publisher, public_key, added_at FROM trusted_keys ORDER BY publisher, key_id',
    )
    .all() as { key_id: string; publisher: string; public_key: string; added_at: string }[];
  return rows.map((r) => ({
    keyId: r.key_id,
    publisher: r.publisher,
    publicKey: r.public_key,
    addedAt: r.added_at,
  }));
}

export function writeTrustedKey(db: StateDatabase, key: TrustedKey, addedAt: string): void {
  db.prepare(
    'INSERT OR REPLACE INTO trusted_keys (key_id, publisher, public_key, added_at) VALUES (?, ?, ?, ?)',
  ).run(key.keyId, key.publisher, key.publicKey, addedAt);
}

export function deleteTrustedKey(db: StateDatabase, keyId: string): boolean {
  return db.prepare('DELETE FROM trusted_keys WHERE key_id = ?').run(keyId).changes > 0;
}

export function readSetting(db: StateDatabase, key: string): string | null {
  return (
    (db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as
      string | undefined) ?? null
  );
}

export function writeSetting(db: StateDatabase, key: string, value: string): void {
  db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(key, value);
}
