// `corral lint DIR`: an extension folder checked as `corral run` would load it, every problem in one
// pass (schema, risky grants, main, the rules file), and --watch linting again on each change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintCommand } from '../../../app/cli/lint.ts';
import { fakeIO, ioOf } from './fake-io.ts';

const root = mkdtempSync(join(tmpdir(), 'corral-lint-dir-'));

const good = {
  manifestVersion: 1,
  id: 'acme.notes',
  name: 'Notes',
  version: '1.0.0',
  publisher: 'acme',
  runtime: 'node',
  main: 'index.js',
  permissions: { fs: [{ path: '${workspace}', access: 'read' }] },
  contributes: { commands: [{ id: 'notes.count', title: 'Count' }] },
};

/** An extension folder `name` with these files (objects are written as JSON). */
function folder(name: string, files: Record<string, string | object>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, body] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(
      join(dir, file),
      typeof body === 'string' ? body : JSON.stringify(body, null, 2) + '\n',
    );
  }
  return name;
}

async function lint(...args: string[]) {
  const fake = fakeIO(root);
  const code = await lintCommand(args, ...ioOf(fake));
  return { code, stdout: fake.stdout(), stderr: fake.stderr() };
}

/** `rule pointer` of each finding line, in print order. */
function rules(stdout: string): string[] {
  return stdout
    .trimEnd()
    .split('\n')
    .slice(0, -1)
    .map((l) => {
      const m = /^([^:]+)(?::\d+)?:(?: (\/[^:]*):)? (error|warning|info) ([a-z-]+):/.exec(l);
      assert.ok(m, l);
      return `${m[1]!.split('/').pop()} ${m[3]} ${m[4]} ${m[2] ?? ''}`.trimEnd();
    });
}

test('a clean folder: its manifest, main and rules file agree; exit 0', async () => {
  const dir = folder('clean', {
    'corral.json': good,
    'index.js': '',
    'corral.rules': 'read ${workspace}\n',
  });
  assert.deepEqual(await lint(dir), { code: 0, stdout: 'clean: no problems found\n', stderr: '' });
});

test('every problem in one pass: a schema error does not hide risky grants, main or the rules', async () => {
  const dir = folder('broken', {
    'corral.json': {
      ...good,
      name: '',
      main: 'dist/index.js',
      permissions: { fs: [{ path: '${home}', access: 'write' }] },
      limits: { memoryMB: 'lots' },
    },
    'corral.rules': 'read ${workspace}\nreed ${home}\n',
  });
  const r = await lint(dir);
  assert.equal(r.code, 1);
  assert.deepEqual(rules(r.stdout).sort(), [
    'corral.json error fs-secret-path /permissions/fs/0',
    'corral.json error fs-write-home /permissions/fs/0',
    'corral.json error main-missing /main',
    'corral.json error schema /limits/memoryMB',
    'corral.json error schema /name',
    'corral.rules error rules-syntax',
  ]);
  assert.match(r.stdout, /broken: 6 errors, 0 warnings\n$/);
  assert.match(
    r.stdout,
    /broken\/corral\.json:\d+: \/main: error main-missing: dist\/index\.js does not exist in the extension folder; fix: build the extension/,
  );
});

test('main: a link out of the folder, a folder, and runtime exec without the x bit', async () => {
  const outside = join(root, 'outside.js');
  writeFileSync(outside, '');
  const escapes = folder('escapes', { 'corral.json': good });
  symlinkSync(outside, join(root, escapes, 'index.js'));
  assert.deepEqual(rules((await lint(escapes)).stdout), ['corral.json error main-escapes /main']);
  const isDir = folder('is-dir', { 'corral.json': good, 'index.js/x': '' });
  assert.deepEqual(rules((await lint(isDir)).stdout), ['corral.json error main-missing /main']);
  const exec = folder('exec', {
    'corral.json': { ...good, runtime: 'exec', main: 'run.sh' },
    'run.sh': '#!/bin/sh\n',
  });
  assert.deepEqual(rules((await lint(exec)).stdout), [
    'corral.json error main-not-executable /main',
  ]);
  chmodSync(join(root, exec, 'run.sh'), 0o755);
  assert.equal((await lint(exec)).code, 0);
});

test('rules-drift: corral.rules and corral.json must say the same, limits included', async () => {
  const dir = folder('drift', {
    'corral.json': { ...good, limits: { memoryMB: 256 } },
    'index.js': '',
    'corral.rules': 'read ${workspace}\nread ${downloads}\n',
  });
  const r = await lint(dir);
  assert.equal(r.code, 1);
  assert.match(
    r.stdout,
    /^drift\/corral\.rules: error rules-drift: corral\.rules and corral\.json disagree: the rules say "read \$\{downloads\}" and corral\.json does not; limits\.memoryMB is the default in the rules, 256 in corral\.json; fix: run "corral policy compile corral\.rules"/m,
  );
});

test('--json for a folder: one object, each finding naming its file; a folder without corral.json exits 2', async () => {
  const dir = folder('json', { 'corral.json': { ...good, main: 'missing.js' } });
  const r = await lint(dir, '--json');
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(
    [out.file, out.kind, out.ok, out.summary],
    ['json', 'extension', false, { errors: 1, warnings: 0, infos: 0 }],
  );
  assert.equal(out.findings[0].file, 'json/corral.json');
  assert.equal(out.findings[0].rule, 'main-missing');
  const empty = folder('empty', {});
  const e = await lint(empty);
  assert.equal(e.code, 2);
  assert.match(
    e.stderr,
    /^corral lint: empty\/corral\.json does not exist; fix: give an extension folder/,
  );
});

test('--watch lints again when a file changes, until Ctrl-C, and ends with the last status', async () => {
  const dir = folder('watched', { 'corral.json': { ...good, main: 'dist/index.js' } });
  const fake = fakeIO(root);
  const done = lintCommand([dir, '--watch'], ...ioOf(fake));
  await until(() => fake.stderr().includes('watching'));
  assert.match(fake.stdout(), /error main-missing/, 'the first lint ran and found the problem');
  mkdirSync(join(root, dir, 'dist'));
  writeFileSync(join(root, dir, 'dist/index.js'), '');
  await until(() => fake.stdout().includes('watched: no problems found'));
  assert.match(fake.stdout(), /--- \d\d:\d\d:\d\d watched changed\n/);
  assert.equal(fake.listening(), 1);
  fake.signal('SIGINT');
  assert.equal(await done, 0);
  assert.equal(fake.listening(), 0, 'the signal handler is removed');
});

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
