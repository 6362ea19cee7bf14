// Run folders: named with their owner's pid, removed whatever is in them without throwing, and
// swept only when they are ours and their owner is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  createRunFolder,
  removeRunFolder,
  sweepRunFolders,
} from '../../../app/platform/run-folder.ts';

function base(): string {
  return mkdtempSync(join(tmpdir(), 'corral-runs-'));
}

/** A pid that is surely not running: a child that has exited and been reaped. */
function deadPid(): number {
  const r = spawnSync('/bin/true');
  assert.equal(r.status, 0);
  return r.pid!;
}

test('a run folder is private and carries its owner pid', () => {
  const dir = base();
  const run = createRunFolder('corral-run', dir);
  assert.match(basename(run), new RegExp(`^corral-run-${process.pid}-[A-Za-z0-9]{6}$`));
  assert.equal(statSync(run).mode & 0o777, 0o700);
  rmSync(dir, { recursive: true });
});

test('removal takes everything, even folders the command locked, and never throws', () => {
  const dir = base();
  const run = createRunFolder('corral-ext', dir);
  mkdirSync(join(run, 'locked/deeper'), { recursive: true });
  writeFileSync(join(run, 'locked/deeper/f'), 'x');
  chmodSync(join(run, 'locked/deeper'), 0o000);
  chmodSync(join(run, 'locked'), 0o000);
  symlinkSync('/etc', join(run, 'link')); // removed as a link, never followed
  assert.equal(removeRunFolder(run), null);
  assert.equal(existsSync(run), false);
  assert.ok(existsSync('/etc/passwd'));
  assert.equal(removeRunFolder(run), null, 'already gone is fine');
  rmSync(dir, { recursive: true });
});

test('the sweep takes only our own folders whose owner is gone', () => {
  const dir = base();
  const dead = deadPid();
  const stale = join(dir, `corral-run-${dead}-abc123`);
  const staleExt = join(dir, `corral-ext-${dead}-zzz999`);
  const live = join(dir, `corral-run-${process.pid}-def456`); // this process: alive
  const foreign = join(dir, `corral-run-${dead}-ghi789`); // someone else's
  const notOurs = join(dir, `corral-run-${dead}-extra-1`); // not a name we make
  const link = join(dir, `corral-run-${dead}-lnk000`);
  for (const d of [stale, staleExt, live, foreign, notOurs]) mkdirSync(d);
  mkdirSync(join(stale, 'locked'));
  chmodSync(join(stale, 'locked'), 0o000);
  if (process.getuid?.() === 0) chownSync(foreign, 65534, 65534);
  symlinkSync(stale, link);
  const asRoot = process.getuid?.() === 0; // only root can make a folder another user's
  const removed = sweepRunFolders(dir);
  assert.deepEqual(removed.sort(), [stale, staleExt, ...(asRoot ? [] : [foreign])].sort());
  for (const kept of [live, notOurs]) assert.ok(existsSync(kept), kept);
  assert.ok(lstatSync(link).isSymbolicLink(), 'a link is never swept (nor followed)');
  assert.equal(existsSync(foreign), asRoot, 'another user owns it');
  rmSync(dir, { recursive: true, force: true });
});
