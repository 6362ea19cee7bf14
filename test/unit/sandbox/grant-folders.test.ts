// Missing grant folders before a launch: a write grant's folder is made, a read grant's path is
// left unbound, and one that cannot be made refuses in one line naming the grant and the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompiledPolicy } from '../../../app/policy/compile.ts';
import {
  GrantFolderError,
  grantFolderEvent,
  prepareGrantFolders,
} from '../../../app/sandbox/grant-folders.ts';

const empty = { fs: [], net: [], ipc: [], spawn: false };

function policy(fs: CompiledPolicy['fs']): CompiledPolicy {
  return { ...empty, fs, limits: {} as CompiledPolicy['limits'], optional: { ...empty } };
}

test('write: made (parents too); read: left unbound but kept for decisions; present: untouched', async (t) => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'corral-folders-')));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const p = policy([
    { path: join(root, 'out/2026'), access: 'write', grant: 'fs[0]' },
    { path: join(root, 'inbox'), access: 'read', grant: 'fs[1]' },
    { path: root, access: 'read', grant: 'fs[2]' },
  ]);
  const folders = await prepareGrantFolders(p);
  assert.equal(existsSync(join(root, 'out/2026')), true);
  assert.equal(existsSync(join(root, 'inbox')), false);
  assert.deepEqual(folders.notes, [
    { grant: 'fs[0]', path: join(root, 'out/2026'), what: 'created' },
    { grant: 'fs[1]', path: join(root, 'inbox'), what: 'unbound' },
  ]);
  assert.deepEqual(
    folders.bindable(p).fs.map((g) => g.grant),
    ['fs[0]', 'fs[2]'],
  );
  assert.equal(p.fs.length, 3, 'the policy itself keeps the read grant');
  assert.deepEqual(
    folders.notes.map((n) => grantFolderEvent(n, 'acme.x').op),
    ['create', 'grant'],
  );
  // A second start: everything is there now but the read path.
  assert.deepEqual(
    (await prepareGrantFolders(p)).notes.map((n) => n.what),
    ['unbound'],
  );
});

test('a write folder that cannot be made, or a write grant that could not be resolved, refuses', async (t) => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'corral-folders-')));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'file'), '');
  const written = [{ path: '${documents}/x', access: 'write' as const }];
  // /proc takes no new folders, whoever asks.
  await assert.rejects(
    prepareGrantFolders(
      policy([{ path: '/proc/corral-nope/x', access: 'write', grant: 'fs[0]' }]),
      {
        written,
      },
    ),
    (e: Error) => {
      assert.ok(e instanceof GrantFolderError);
      assert.match(
        e.message,
        /^fs\[0\] \(write \$\{documents\}\/x\): \/proc\/corral-nope\/x does not exist and could not be created \(E[A-Z]+\); fix: create that folder yourself, or remove the grant from the manifest$/,
      );
      return true;
    },
  );
  await assert.rejects(
    prepareGrantFolders(policy([]), {
      written,
      dropped: [`fs[0]: cannot resolve ${root}/file/x (ENOTDIR)`],
    }),
    new RegExp(
      `^GrantFolderError: fs\\[0\\] \\(write \\$\\{documents\\}/x\\): cannot resolve ${root}/file/x \\(ENOTDIR\\); fix: `,
    ),
  );
  // The control: a dropped read grant does not refuse the start.
  const read = [{ path: '${documents}/x', access: 'read' as const }];
  assert.deepEqual(
    (await prepareGrantFolders(policy([]), { written: read, dropped: ['fs[0]: gone'] })).notes,
    [],
  );
});
