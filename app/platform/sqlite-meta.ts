// The schema check both SQLite files of Corral share (the audit store and the extension state):
// a `meta` table holding the schema version beside the file's main table.

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
