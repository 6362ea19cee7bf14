// Granted folders that do not exist yet, settled before the sandbox is built (issue 13): the helper
// can bind only what exists, and a missing one used to stop the extension with a line that looked
// like its own stderr. A required `write` grant's folder is created, as the user running Corral
// (what Flatpak's `:create` does, and what a person who consented to "change files in summaries in
// your Documents folder" expects on the first run); one that cannot be created refuses the start
// with one line naming the grant and the fix. A `read` grant's missing path is not bound (there is
// nothing to read) and stays a grant, so the broker answers "not found" under it, not "denied".
import { lstat, mkdir, realpath } from 'node:fs/promises';
import type { AuditEventInput } from '../audit-event/event.ts';
import type { CompiledPolicy } from '../policy/compile.ts';
import type { FsGrant } from '../policy/manifest.ts';

/** A start refused because a granted folder is missing and cannot be made: one line. */
export class GrantFolderError extends Error {
  override name = 'GrantFolderError';
}

/** What was done about one missing grant path. */
export interface GrantFolderNote {
  grant: string;
  path: string;
  /** created: the write grant's folder was made; unbound: a read grant's path is not bound. */
  what: 'created' | 'unbound';
}

export interface GrantFolders {
  notes: GrantFolderNote[];
  /** `policy` without the grants whose paths are not there to bind (for sandboxGrants only). */
  bindable(policy: CompiledPolicy): CompiledPolicy;
}

/**
 * Creates the missing folders of the required write grants of a realized policy (real paths,
 * app/platform/real-path.ts) and finds the missing paths of read grants. `written` (the manifest's
 * required fs grants) names a grant in a refusal as the person knows it ("fs[1] (write
 * ${documents}/summaries)"); `dropped` (realizePolicy's) says why a grant could not be realized.
 */
export async function prepareGrantFolders(
  policy: CompiledPolicy,
  o: { written?: readonly FsGrant[]; dropped?: readonly string[] } = {},
): Promise<GrantFolders> {
  const written = o.written ?? [];
  const describe = (label: string) => {
    const g = written[Number(/^fs\[(\d+)\]$/.exec(label)?.[1] ?? -1)];
    return g ? `${label} (${g.access} ${g.path})` : label;
  };
  // A write grant that could not even be resolved (through a file, a dangling symlink) would
  // start the extension without a folder the user consented to: refused, like one not creatable.
  written.forEach((g, i) => {
    const label = `fs[${i}]`;
    if (g.access !== 'write' || policy.fs.some((p) => p.grant === label)) return;
    const why = o.dropped?.find((d) => d.startsWith(`${label}: `))?.slice(label.length + 2);
    throw new GrantFolderError(
      `${describe(label)}: ${why ?? 'its folder cannot be resolved'}; fix: create that folder yourself, or remove the grant from the manifest`,
    );
  });
  const notes: GrantFolderNote[] = [];
  for (const g of policy.fs) {
    let present: boolean;
    try {
      present = await exists(g.path);
    } catch (e) {
      throw new GrantFolderError(
        `${describe(g.grant)}: ${g.path} cannot be reached (${errorCode(e)}); fix: make it readable by you, or remove the grant from the manifest`,
      );
    }
    if (present) continue;
    if (g.access === 'read') {
      notes.push({ grant: g.grant, path: g.path, what: 'unbound' });
      continue;
    }
    try {
      await makeFolders(g.path);
      // The parent was a real path and every name below it is new, so the folder must be where
      // the grant says; anything else (a symlink raced in) is refused rather than bound.
      if ((await realpath(g.path)) !== g.path) throw Object.assign(new Error(), { code: 'ELOOP' });
    } catch (e) {
      throw new GrantFolderError(
        `${describe(g.grant)}: ${g.path} does not exist and could not be created (${errorCode(e)}); fix: create that folder yourself, or remove the grant from the manifest`,
      );
    }
    notes.push({ grant: g.grant, path: g.path, what: 'created' });
  }
  const unbound = new Set(notes.filter((n) => n.what === 'unbound').map((n) => n.path));
  return {
    notes,
    bindable: (p) =>
      unbound.size === 0
        ? p
        : { ...p, fs: p.fs.filter((g) => !(g.access === 'read' && unbound.has(g.path))) },
  };
}

/** The audit event for one note: a folder created under a write grant, or a path not bound. */
export function grantFolderEvent(note: GrantFolderNote, ext: string): AuditEventInput {
  return note.what === 'created'
    ? {
        ext,
        layer: 'host',
        kind: 'fs',
        op: 'create',
        target: note.path,
        outcome: 'ok',
        reason: `grant ${note.grant}: created the folder, which did not exist`,
      }
    : {
        ext,
        layer: 'host',
        kind: 'fs',
        op: 'grant',
        target: note.path,
        outcome: 'failed',
        reason: `not bound: ${note.grant}: ${note.path} does not exist (nothing to read there yet)`,
      };
}

/**
 * mkdir -p, one level at a time from the deepest existing folder. Not mkdir's `recursive`, which
 * on Node 20 loops for ever on a path under /proc (ENOENT at every try): a manifest could hang the
 * host that way.
 */
async function makeFolders(path: string): Promise<void> {
  const names = path.split('/').filter(Boolean);
  let existing = names.length;
  while (existing > 0 && !(await exists('/' + names.slice(0, existing).join('/')))) existing--;
  for (let depth = existing + 1; depth <= names.length; depth++)
    await mkdir('/' + names.slice(0, depth).join('/'));
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return false;
    throw e;
  }
}

function errorCode(e: unknown): string {
  return (e as { code?: string }).code ?? 'error';
}
