// A run's own folder on the host (${tmp}, and HOME and TMPDIR where nothing else is granted):
// made with its owner's pid in the name, removed without ever throwing, whatever the command left
// in it, and swept at the next start when a killed run could not remove it itself.
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from './process-alive.ts';

/** The run folders Corral makes: corral exec's, corral run's and a corral dev session's. */
export type RunFolderKind = 'corral-run' | 'corral-ext' | 'corral-dev';

// corral-run-PID-XXXXXX: mkdtemp's six characters after the owner's pid.
const NAME = /^corral-(?:run|ext|dev)-(\d+)-[A-Za-z0-9]{6}$/;

/** A new 0700 folder in `base` for this process's run, after sweeping the ones left behind. */
export function createRunFolder(kind: RunFolderKind, base: string = tmpdir()): string {
  sweepRunFolders(base);
  return mkdtempSync(join(base, `${kind}-${process.pid}-`));
}

/**
 * Removes a run folder and everything in it, also what the command made unreadable (a folder of
 * mode 000): null when it is gone, else why not, in one line. Never throws.
 */
export function removeRunFolder(path: string): string | null {
  try {
    rmSync(path, { recursive: true, force: true });
    return null;
  } catch {
    // A folder without read, write or search permission for its owner stops the removal.
  }
  try {
    allowOwner(path);
    rmSync(path, { recursive: true, force: true });
    return null;
  } catch (e) {
    return `cannot remove ${path} (${e instanceof Error && 'code' in e ? String(e.code) : String(e)})`;
  }
}

/** Gives the owner back every right on the folders under `dir` (never following a symlink). */
function allowOwner(dir: string): void {
  // Only a real folder of ours: lstat does not follow a symlink, and chmod of what we do not own
  // fails. The command has ended: nothing replaces an entry between the two.
  if (!lstatSync(dir).isDirectory()) return;
  chmodSync(dir, 0o700);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) allowOwner(join(dir, e.name));
}

/**
 * Removes the run folders in `base` whose owner is gone: only folders (not links) of this user,
 * named as Corral names them, whose pid no longer runs. Returns the ones removed; never throws.
 */
export function sweepRunFolders(base: string = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = NAME.exec(name)?.[1];
    const path = join(base, name);
    if (!pid || !ownFolder(path) || processAlive(Number(pid))) continue;
    if (removeRunFolder(path) === null) removed.push(path);
  }
  return removed;
}

function ownFolder(path: string): boolean {
  try {
    const stat = lstatSync(path);
    return stat.isDirectory() && stat.uid === process.getuid?.();
  } catch {
    return false;
  }
}
