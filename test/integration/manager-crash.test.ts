// Crash safety and concurrency of the extension state, with real processes: `kill -9` of an
// install at the worst moments (staged; renamed into place but not committed) and at random
// times, and several corral processes installing and enabling at once. After each, the state must
// be consistent: every version it names is on disk with its files, and nothing else is.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, corral, corralChild } from '../unit/manager/cli.ts';
import { extensionFiles, writeFolder } from '../unit/manager/archives.ts';
import { inconsistencies } from '../unit/manager/support.ts';

// nobody-pass: not needed (the manager does not depend on the sandbox user; test/run.mjs).

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'corral-manager-crash-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function home(): string {
  const dir = join(root, `home${n++}`);
  mkdirSync(dir);
  return dir;
}

/** An extension folder `id` at `version` (with some weight, so an install takes a moment). */
function ext(id: string, version: string, extra: Record<string, unknown> = {}): string {
  const dir = join(root, `${id}-${version}-${n++}`);
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`lib/m${i}.js`] = `// module ${i}\n`.repeat(200);
  writeFolder(dir, extensionFiles({ id, version, publisher: id.split('.')[0], ...extra }, files));
  return dir;
}

function listOf(
  h: string,
): { id: string; version: string; state: string; pending: string | null }[] {
  const r = corral(h, ['list', '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

for (const point of ['staged', 'renamed'] as const) {
  test(`kill -9 of an install paused ${point === 'staged' ? 'after staging' : 'after the rename, before the commit'} leaves nothing installed`, async () => {
    const h = home();
    const run = corralChild(h, ['install', ext('acme.first', '1.0.0'), '--yes'], {
      CORRAL_TEST_INSTALL_PAUSE: point,
    });
    await run.waitFor(`corral-test: paused at ${point}`);
    const extensions = join(h, 'data/corral/extensions');
    if (point === 'renamed')
      assert.ok(existsSync(join(extensions, 'acme.first/1.0.0/corral.json')), 'renamed into place');
    else assert.ok(!existsSync(join(extensions, 'acme.first')), 'only staged');
    run.child.kill('SIGKILL');
    assert.equal((await run.done).status, null);
    assert.deepEqual(listOf(h), []);
    assert.deepEqual(inconsistencies(cliEnv(h)), []);
    assert.ok(!existsSync(join(extensions, 'acme.first')), 'the half-installed folder is gone');
  });
}

test('kill -9 of an update before its commit keeps the installed version intact', async () => {
  const h = home();
  assert.equal(corral(h, ['install', ext('acme.first', '1.0.0'), '--yes']).status, 0);
  const run = corralChild(h, ['install', ext('acme.first', '1.1.0'), '--yes'], {
    CORRAL_TEST_INSTALL_PAUSE: 'renamed',
  });
  await run.waitFor('corral-test: paused at renamed');
  run.child.kill('SIGKILL');
  await run.done;
  assert.deepEqual(
    listOf(h).map((e) => [e.id, e.version, e.state, e.pending]),
    [['acme.first', '1.0.0', 'enabled', null]],
  );
  assert.deepEqual(inconsistencies(cliEnv(h)), []);
  const again = corral(h, ['install', ext('acme.first', '1.1.0'), '--yes']);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(listOf(h)[0]!.version, '1.1.0');
});

test('kill -9 at random moments of installs, updates and uninstalls never leaves an inconsistent state', async () => {
  const h = home();
  const packages = [
    ext('acme.first', '1.0.0'),
    ext('acme.first', '1.1.0'),
    ext('acme.first', '1.2.0', { permissions: { process: { spawn: true } } }),
  ];
  const actions = [
    ['install', packages[0]!, '--yes'],
    ['install', packages[1]!, '--yes'],
    ['install', packages[2]!],
    ['approve', 'acme.first', '--yes'],
    ['rollback', 'acme.first'],
    ['uninstall', 'acme.first'],
  ];
  let killed = 0;
  for (let i = 0; i < 14; i++) {
    const args = actions[i % actions.length]!;
    const run = corralChild(h, args);
    const delay = 40 + Math.floor(Math.random() * 360);
    const timer = setTimeout(() => run.child.kill('SIGKILL'), delay);
    const { status } = await run.done;
    clearTimeout(timer);
    if (status === null) killed++;
    assert.deepEqual(
      inconsistencies(cliEnv(h)),
      [],
      `after ${args.join(' ')} killed at ${delay} ms`,
    );
  }
  assert.ok(killed > 0, 'some runs were killed before they finished');
});

test('corral processes installing, enabling and disabling at once keep the state consistent', async () => {
  const h = home();
  assert.equal(corral(h, ['install', ext('acme.toggled', '1.0.0'), '--yes']).status, 0);
  const ids = ['acme.one', 'acme.two', 'acme.three', 'acme.four'];
  const runs = [
    ...ids.map((id) => corralChild(h, ['install', ext(id, '1.0.0'), '--yes'])),
    ...['disable', 'enable', 'disable', 'enable'].map((verb) =>
      corralChild(h, [verb, 'acme.toggled']),
    ),
    corralChild(h, ['revoke', 'acme.toggled', 'read ${workspace}']),
  ];
  const results = await Promise.all(runs.map((r) => r.done));
  for (const r of results) assert.equal(r.status, 0, r.stderr);
  const list = listOf(h);
  assert.deepEqual(list.map((e) => e.id).sort(), [...ids, 'acme.toggled'].sort());
  assert.ok(['enabled', 'disabled'].includes(list.find((e) => e.id === 'acme.toggled')!.state));
  assert.deepEqual(inconsistencies(cliEnv(h)), []);
  const state = JSON.parse(corral(h, ['list', '--json']).stdout) as {
    id: string;
    revoked: string[];
  }[];
  assert.deepEqual(state.find((e) => e.id === 'acme.toggled')!.revoked, ['read ${workspace}']);
});

test('the same extension installed by two corrals at once: one installs, the other says so', async () => {
  const h = home();
  const pkg = ext('acme.race', '1.0.0');
  const copy = join(root, 'race-copy');
  cpSync(pkg, copy, { recursive: true });
  writeFileSync(join(copy, 'extra.txt'), 'different files, same version');
  const results = await Promise.all([
    corralChild(h, ['install', pkg, '--yes']).done,
    corralChild(h, ['install', copy, '--yes']).done,
  ]);
  const ok = results.filter((r) => r.status === 0);
  assert.ok(ok.length >= 1, results.map((r) => r.stderr).join('\n'));
  for (const r of results.filter((x) => x.status !== 0))
    assert.match(
      r.stderr,
      /was changed by another corral while this install waited|is installed already, with other files/,
    );
  assert.equal(listOf(h).length, 1);
  assert.deepEqual(inconsistencies(cliEnv(h)), []);
});
