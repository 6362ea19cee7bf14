// The "Deny always" answers: a question whose rules the user denied always is not asked again
// (the request is denied and audited as such) until the user resets the answer in Settings. Kept
// in one small JSON file beside the extension state, validated on every read, written atomically.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as z from 'zod';
import { corralDataDir } from '../platform/corral-dirs.ts';

const entrySchema = z.strictObject({
  ext: z.string().max(64),
  /** The rule lines the question would have granted ("read ${downloads}"). */
  rules: z.array(z.string().max(4096)).min(1).max(16),
  /** The question as it was asked. */
  sentence: z.string().max(4096),
  at: z.string().max(40),
});
const fileSchema = z.strictObject({ version: z.literal(1), denied: z.array(entrySchema) });

export type DeniedAlwaysEntry = z.infer<typeof entrySchema>;

/** The remembered "Deny always" answers. */
export interface DeniedAlwaysList {
  /** The entry that covers every one of `rules` for `ext`, if any. */
  find(ext: string, rules: readonly string[]): DeniedAlwaysEntry | undefined;
  add(entry: DeniedAlwaysEntry): void;
  list(): DeniedAlwaysEntry[];
  /** Forgets the answers of `ext` that name `rule` (the user reset it); false when none did. */
  reset(ext: string, rule: string): boolean;
  /** Forgets every answer of `ext` (it was uninstalled). */
  forget(ext: string): void;
}

/** A file that cannot be read as this list; the message names it and the fix. */
export class DeniedAlwaysError extends Error {}

/** The list kept in $XDG_DATA_HOME/corral/denied-always.json. */
export function deniedAlwaysFile(env: NodeJS.ProcessEnv): DeniedAlwaysList {
  return fileList(join(corralDataDir(env), 'denied-always.json'));
}

/** The list kept in `path` (created on the first answer). */
export function fileList(path: string): DeniedAlwaysList {
  const read = (): DeniedAlwaysEntry[] => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new DeniedAlwaysError(`cannot read ${path} (${(e as Error).message})`);
    }
    try {
      return fileSchema.parse(JSON.parse(text)).denied;
    } catch {
      throw new DeniedAlwaysError(
        `${path} is not a list of "Deny always" answers; fix: move it aside, and answer the questions again`,
      );
    }
  };
  const write = (denied: DeniedAlwaysEntry[]) => {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, denied }, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, path);
  };
  return {
    find: (ext, rules) =>
      read().find(
        (e) => e.ext === ext && rules.length > 0 && rules.every((r) => e.rules.includes(r)),
      ),
    add(entry) {
      const kept = read().filter(
        (e) => !(e.ext === entry.ext && e.rules.join('\n') === entry.rules.join('\n')),
      );
      write([...kept, entry]);
    },
    list: read,
    reset(ext, rule) {
      const all = read();
      const kept = all.filter((e) => !(e.ext === ext && e.rules.includes(rule)));
      if (kept.length === all.length) return false;
      write(kept);
      return true;
    },
    forget(ext) {
      const all = read();
      const kept = all.filter((e) => e.ext !== ext);
      if (kept.length !== all.length) write(kept);
    },
  };
}
