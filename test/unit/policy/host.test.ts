// The system-touching half of the policy: user folders and symlink-safe decisions on a real disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseUserDirs, userDirectories } from '../../../app/platform/user-dirs.ts';
import {
  checkOpenedPath,
  realizePolicy,
  realPathOf,
  realTargetDecision,
} from '../../../app/platform/real-path.ts';
import { compileDecider } from '../../../app/policy/decide.ts';
import { compiled, VARS } from './support.ts';

test('user dirs: the XDG user-dirs file decides ${documents} and ${downloads} on Linux', () => {
  const text =
    '# written by xdg-user-dirs-update\nXDG_DOCUMENTS_DIR="$HOME/Dokumente"\nXDG_DOWNLOAD_DIR="/data/dl"\nXDG_MUSIC_DIR="$HOME/Musik"\n';
  const read = (p: string) => (p === '/home/u/.config/user-dirs.dirs' ? text : null);
  assert.deepEqual(userDirectories({ HOME: '/home/u' }, 'linux', read), {
    home: '/home/u',
    documents: '/home/u/Dokumente',
    downloads: '/data/dl',
  });
});

test('user dirs: XDG_CONFIG_HOME moves the file; missing entries fall back to ~/Documents and ~/Downloads', () => {
  const read = (p: string) =>
    p === '/cfg/user-dirs.dirs' ? 'XDG_DOWNLOAD_DIR="$HOME/Téléchargements"\n' : null;
  assert.deepEqual(userDirectories({ HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' }, 'linux', read), {
    home: '/home/u',
    documents: '/home/u/Documents',
    downloads: '/home/u/Téléchargements',
  });
  assert.deepEqual(
    userDirectories({ HOME: '/home/u' }, 'linux', () => null).documents,
    '/home/u/Documents',
  );
});

test('user dirs: a folder "disabled" as $HOME never makes ${documents} the whole home', () => {
  const read = () => 'XDG_DOCUMENTS_DIR="$HOME/"\nXDG_DOWNLOAD_DIR="$HOME"\n';
  const dirs = userDirectories({ HOME: '/home/u' }, 'linux', read);
  assert.equal(dirs.documents, '/home/u/Documents');
  assert.equal(dirs.downloads, '/home/u/Downloads');
  assert.deepEqual(
    parseUserDirs('XDG_DOCUMENTS_DIR="relative/x"\nXDG_DESKTOP_DIR="$HOME/Desk top"\n', '/home/u'),
    { XDG_DESKTOP_DIR: '/home/u/Desk top' },
  );
});

test('user dirs: macOS uses the usual folders and ignores XDG files', () => {
  const dirs = userDirectories(
    { HOME: '/Users/ann' },
    'darwin',
    () => 'XDG_DOCUMENTS_DIR="/elsewhere"\n',
  );
  assert.deepEqual(dirs, {
    home: '/Users/ann',
    documents: '/Users/ann/Documents',
    downloads: '/Users/ann/Downloads',
  });
});

// A real tree: granted/ holds a file, a symlink out to secret/, a dangling symlink, and a link in.
const root = realpathSync(mkdtempSync(join(tmpdir(), 'corral-real-')));
mkdirSync(join(root, 'granted/sub'), { recursive: true });
mkdirSync(join(root, 'secret'));
writeFileSync(join(root, 'granted/ok.txt'), 'ok');
writeFileSync(join(root, 'secret/key'), 'key');
symlinkSync(join(root, 'secret'), join(root, 'granted/escape'));
symlinkSync(join(root, 'secret/new-file'), join(root, 'granted/dangling'));
symlinkSync(join(root, 'granted'), join(root, 'alias'));

async function decision(op: 'read' | 'write', path: string, grantRoot = join(root, 'granted')) {
  const { policy } = await realizePolicy(
    compiled(
      { fs: [{ path: grantRoot, access: 'write' }] },
      {},
      {},
      { ...VARS, extensionData: '', tmp: '' },
    ),
  );
  return realTargetDecision(compileDecider(policy), { kind: 'fs', op, path });
}

test('symlinks: a file inside the granted folder is allowed', async () => {
  assert.deepEqual(await decision('read', join(root, 'granted/ok.txt')), {
    decision: 'allow',
    reason: 'grant fs[0]',
  });
});

test('symlinks: a symlink inside the granted folder grants nothing elsewhere', async () => {
  const d = await decision('read', join(root, 'granted/escape/key'));
  assert.equal(d.decision, 'deny');
  assert.equal(
    d.reason,
    `no grant covers ${root}/secret/key (${root}/granted/escape/key resolves to ${root}/secret/key through a symlink or "..")`,
  );
  assert.equal((await decision('write', join(root, 'granted/escape/new'))).decision, 'deny');
});

test('symlinks: writing through a dangling symlink is refused (it would create the target elsewhere)', async () => {
  const d = await decision('write', join(root, 'granted/dangling'));
  assert.equal(d.decision, 'deny');
  assert.match(d.reason, /dangling symlink/);
});

test('symlinks: a new file in a granted folder is allowed; ".." after a missing folder is refused', async () => {
  assert.equal((await decision('write', join(root, 'granted/sub/new.txt'))).decision, 'allow');
  assert.equal(
    (await decision('write', join(root, 'granted/missing/deeper/new.txt'))).decision,
    'allow',
  );
  assert.equal(
    (await decision('write', `${root}/granted/missing/../../secret/key`)).decision,
    'deny',
  );
});

test('symlinks: ".." is resolved as the kernel does, not lexically', async () => {
  // granted/escape/.. is root/ (the parent of secret/), not granted/.
  const d = await decision('read', `${root}/granted/escape/../granted/ok.txt`);
  assert.equal(d.decision, 'allow', 'reaches granted/ok.txt for real');
  assert.equal((await decision('read', `${root}/granted/escape/../secret/key`)).decision, 'deny');
});

test('symlinks: a grant given through a symlink grants the real folder it names', async () => {
  const { policy } = await realizePolicy(
    compiled(
      { fs: [{ path: join(root, 'alias'), access: 'read' }] },
      {},
      {},
      { ...VARS, extensionData: '', tmp: '' },
    ),
  );
  assert.equal(policy.fs[0]!.path, join(root, 'granted'));
  const decider = compileDecider(policy);
  assert.equal(
    (
      await realTargetDecision(decider, {
        kind: 'fs',
        op: 'read',
        path: join(root, 'alias/ok.txt'),
      })
    ).decision,
    'allow',
  );
  assert.equal(
    (
      await realTargetDecision(decider, {
        kind: 'fs',
        op: 'read',
        path: join(root, 'granted/ok.txt'),
      })
    ).decision,
    'allow',
  );
});

test('real paths of missing files keep the missing names; relative paths are refused', async () => {
  assert.deepEqual(await realPathOf(join(root, 'alias/none/x')), {
    ok: true,
    path: join(root, 'granted/none/x'),
  });
  assert.equal((await realPathOf('relative')).ok, false);
});

test('an opened descriptor is re-decided on the file it really is (closing the race after the check)', async () => {
  const { policy } = await realizePolicy(
    compiled(
      { fs: [{ path: join(root, 'granted'), access: 'read' }] },
      {},
      {},
      { ...VARS, extensionData: '', tmp: '' },
    ),
  );
  const decider = compileDecider(policy);
  const inside = openSync(join(root, 'granted/ok.txt'), 'r');
  const outside = openSync(join(root, 'granted/escape/key'), 'r'); // as if swapped in after the check
  try {
    const request = { kind: 'fs', op: 'read', path: join(root, 'granted/ok.txt') } as const;
    assert.equal((await checkOpenedPath(decider, inside, request)).decision, 'allow');
    assert.deepEqual(await checkOpenedPath(decider, outside, request), {
      decision: 'deny',
      reason: `no grant covers ${root}/secret/key`,
    });
  } finally {
    closeSync(inside);
    closeSync(outside);
  }
});
