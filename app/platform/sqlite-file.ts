// What Corral's two SQLite files (the audit store and the extension state) share: loading the
// native module only when a file is first opened, creating the file private from the start, and
// the schema check against a `meta` table holding the version beside the file's main table.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

let loaded: typeof BetterSqlite3 | undefined;

/**
 * better-sqlite3, required on first use: commands that never open a database (`corral exec`)
 * never load the native module, and the CLI bundle keeps it external, in node_modules.
 * `failure` turns the one-line reason it did not load into the caller's own error.
 */
export function betterSqlite3(failure: (why: string) => Error): typeof BetterSqlite3 {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (e) {
    throw failure((e instanceof Error ? e.message : String(e)).split('\n')[0]!);
  }
  return loaded;
}

/**
 * Makes `path` (and its folder, 0700) if missing, as a 0600 file: SQLite would use the umask,
 * and gives its -wal and -shm files the database file's mode, so the mode must be right first.
 */
export function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
}

interface Queryable {
  prepare(sql: string): { pluck(): { all(): unknown[]; get(): unknown } };
}

/**
 * The schema version stored in `db`: null for a file with no tables yet, 'foreign' for an SQLite
 * file that is not this kind of Corral file (no `meta` or no `mainTable`), 0 when unrecorded.
 */
export function storedSchemaVersion(db: Queryable, mainTable: string): number | null | 'foreign' {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
    .pluck()
    .all() as string[];
  if (tables.length === 0) return null;
  if (!tables.includes('meta') || !tables.includes(mainTable)) return 'foreign';
  const value = db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() as
    string | undefined;
  return value === undefined ? 0 : Number(value);
}
