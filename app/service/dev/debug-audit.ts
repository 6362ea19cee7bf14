// Where a `corral dev` session's audit events go, marked so that they never mix silently with
// production's (docs/audit.md, "Debug sessions"): a store of their own (dev-audit.db beside
// audit.db, or the author's --audit FILE, never the production store), and in every event the
// extension named `debug:ID`, an id no installed extension can have. An access that only debug
// mode allowed also says so in its reason ("would be denied in production (…)").
import { join, resolve } from 'node:path';
import type { AuditEventInput } from '../../audit-event/event.ts';
import { openJsonlSink, type AuditSink } from '../../audit/jsonl-sink.ts';
import { openAuditStore } from '../../audit/store.ts';
import { corralStateDir, defaultAuditStore } from '../../platform/corral-dirs.ts';

/** What a debug event's `ext` starts with. */
export const DEBUG_EXT_PREFIX = 'debug:';

/** The audit store of debug sessions: $XDG_STATE_HOME/corral/dev-audit.db. */
export function debugAuditStore(env: NodeJS.ProcessEnv): string {
  return join(corralStateDir(env), 'dev-audit.db');
}

/** An event as a debug session records it. */
export function markDebug(event: AuditEventInput): AuditEventInput {
  return event.ext.startsWith(DEBUG_EXT_PREFIX)
    ? event
    : { ...event, ext: `${DEBUG_EXT_PREFIX}${event.ext}` };
}

/** A file the debug log cannot go to: one line, with the fix. */
export class DebugAuditError extends Error {}

/**
 * Opens the debug session's sink: `file` as JSON lines (refused when it is the production store),
 * else the debug store. Every event recorded through it is marked.
 */
export function openDebugAudit(
  env: NodeJS.ProcessEnv,
  cwd: string,
  file?: string,
): AuditSink & {
  path: string;
} {
  let sink: AuditSink;
  let path: string;
  if (file !== undefined) {
    path = resolve(cwd, file);
    if (path === defaultAuditStore(env))
      throw new DebugAuditError(
        `--audit ${file} is the production audit log; fix: give another file (debug events never go there)`,
      );
    sink = openJsonlSink(path);
  } else {
    path = debugAuditStore(env);
    sink = openAuditStore(path);
  }
  return {
    path,
    record: (event) => sink.record(markDebug(event)),
    close: () => sink.close(),
  };
}
