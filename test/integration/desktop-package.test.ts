// nobody-pass: not needed (it builds and reads files; no sandbox runs as another user)
// CI's offline build of the desktop app: electron-builder --dir with a stand-in Electron (a script
// carrying Electron's fuse wire, ../shared/ENVIRONMENT.md), then the unpacked app is inspected:
// main, preload and renderer in app.asar; native modules unpacked beside it; the helper and the
// Python SDK in resources/, where the app finds them; the fuses flipped by the afterPack hook.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { FUSE_DECISIONS } from '../../packaging/fuses.mjs';
import { findHelper } from '../../app/sandbox/helper-path.ts';
import { pythonSdkDir } from '../../app/runtime/runtime-support.ts';
import { findInstalled } from '../../app/platform/installed-file.ts';

const root = new URL('../../', import.meta.url).pathname;
const electronVersion: string = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;

/** Electron's own fuse defaults, as its binary carries them (sentinel, version 1, 9 fuses). */
const STAND_IN_WIRE = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX\x01\x09101100011';

let unpacked = '';
let resources = '';
let asar = '';
let entries: string[] = [];

before(() => {
  for (const built of [
    'dist/electron/main.cjs',
    'dist/electron/preload.cjs',
    'dist/renderer/index.html',
    'dist/corral-sandbox',
    'dist/python-sdk/corral_sdk.py',
    'dist/fd-passing.node',
  ]) {
    assert.ok(existsSync(join(root, built)), `${built} is missing: run npm run build`);
  }
  const work = mkdtempSync(join(tmpdir(), 'corral-desktop-package-'));
  const standIn = join(work, 'electron-dist');
  mkdirSync(standIn);
  writeFileSync(
    join(standIn, 'electron'),
    `#!/bin/sh\necho stand-in\nexit 0\n# ${STAND_IN_WIRE}\n`,
    {
      mode: 0o755,
    },
  );
  writeFileSync(join(standIn, 'version'), electronVersion);
  const out = join(work, 'out');
  const build = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/electron-builder/cli.js'),
      '--dir',
      '--linux',
      '--x64',
      `-c.electronDist=${standIn}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${out}`,
    ],
    { cwd: root, encoding: 'utf8', timeout: 300_000 },
  );
  assert.equal(build.status, 0, build.stdout + build.stderr);
  unpacked = join(out, 'linux-unpacked');
  resources = join(unpacked, 'resources');
  asar = join(resources, 'app.asar');
  entries = listPackage(asar, { isPack: false });
});

test('app.asar holds main, preload and the renderer, and package.json starts main', () => {
  for (const entry of [
    '/dist/electron/main.cjs',
    '/dist/electron/preload.cjs',
    '/dist/renderer/index.html',
    '/package.json',
  ]) {
    assert.ok(entries.includes(entry), entry);
  }
  const pkg = JSON.parse(extractFile(asar, 'package.json').toString('utf8'));
  assert.equal(pkg.main, 'dist/electron/main.cjs');
  assert.deepEqual(
    extractFile(asar, 'dist/electron/main.cjs'),
    readFileSync(join(root, 'dist/electron/main.cjs')),
  );
  assert.deepEqual(
    extractFile(asar, 'dist/electron/preload.cjs'),
    readFileSync(join(root, 'dist/electron/preload.cjs')),
  );
});

test('app.asar holds no sources, no source maps, no CLI and no helper', () => {
  const ours = entries.filter((e) => !e.startsWith('/node_modules'));
  for (const entry of ours) {
    assert.doesNotMatch(entry, /\.(map|ts|tsx)$/, entry);
    assert.doesNotMatch(
      entry,
      /^\/(app|main|preload|renderer|test|sandbox-helper|sdk|packaging)\//,
      entry,
    );
    assert.doesNotMatch(entry, /corral-sandbox|corral\.cjs|python-sdk/, entry);
  }
});

test('the native modules are unpacked beside the archive, where main requires them', () => {
  for (const [pkg, binary] of [
    ['better-sqlite3', 'build/Release/better_sqlite3.node'],
    ['node-pty', 'build/Release/pty.node'],
  ] as const) {
    // Resolvable from dist/electron/main.cjs by Node's lookup: app.asar/node_modules/PKG.
    assert.ok(entries.includes(`/node_modules/${pkg}/package.json`), pkg);
    const entry = statFile(asar, `node_modules/${pkg}/${binary}`);
    assert.equal('unpacked' in entry && entry.unpacked, true, `${pkg} ${binary} is unpacked`);
    assert.ok(existsSync(join(resources, 'app.asar.unpacked', 'node_modules', pkg, binary)));
  }
  assert.ok(
    !entries.some((e) => e.startsWith('/node_modules/better-sqlite3/deps/')),
    'no sqlite sources',
  );
});

test('the helper is in resources/, executable, the built one, and found there by the app', () => {
  const helper = join(resources, 'corral-sandbox');
  assert.ok(statSync(helper).mode & 0o111, 'executable');
  assert.deepEqual(readFileSync(helper), readFileSync(join(root, 'dist/corral-sandbox')));
  // main.cjs runs from inside the archive; process.resourcesPath is the resources folder.
  const layout = {
    moduleDir: join(asar, 'dist', 'electron'),
    resourcesDir: resources,
  };
  assert.equal(findHelper(layout), helper);
  assert.equal(pythonSdkDir(layout), join(resources, 'python-sdk'));
  assert.equal(
    findInstalled('fd-passing.node', [], undefined, layout),
    join(resources, 'fd-passing.node'),
    'the addon the proxy and fs/open use',
  );
  // The packed helper runs: its probe of this kernel answers.
  const check = spawnSync(helper, ['--check'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});

test('the afterPack hook flipped the fuses as packaging/fuses.mjs decides', async () => {
  const wire = await getCurrentFuseWire(join(unpacked, 'corral'));
  for (const d of FUSE_DECISIONS) {
    assert.equal(wire[d.fuse], d.on ? FuseState.ENABLE : FuseState.DISABLE, FuseV1Options[d.fuse]);
  }
  assert.equal(wire[FuseV1Options.RunAsNode], FuseState.ENABLE);
  assert.equal(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable], FuseState.DISABLE);
});
