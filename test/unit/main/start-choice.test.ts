// npm start without Electron's binary (as on this machine): one line saying why, then corral
// serve; with the binary, a built app and a display: the desktop window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseStart, findElectronBinary } from '../../../scripts/start-choice.ts';

const facts = {
  electronBinary: '/x/node_modules/electron/dist/electron',
  mainBuilt: true,
  platform: 'linux' as const,
  env: { DISPLAY: ':0' },
  mainPath: '/x/dist/electron/main.cjs',
};

test('the binary, the build and a display: the desktop window', () => {
  assert.deepEqual(chooseStart(facts), {
    kind: 'electron',
    binary: '/x/node_modules/electron/dist/electron',
    args: ['/x/dist/electron/main.cjs'],
  });
  assert.equal(chooseStart({ ...facts, env: { WAYLAND_DISPLAY: 'wayland-0' } }).kind, 'electron');
  assert.equal(chooseStart({ ...facts, platform: 'darwin', env: {} }).kind, 'electron');
});

test('each missing piece: corral serve, after one line naming it', () => {
  for (const [changed, pattern] of [
    [{ electronBinary: null }, /Electron's binary is not installed/],
    [{ mainBuilt: false }, /dist\/electron\/main\.cjs is missing; run npm run build/],
    [{ env: {} }, /no graphical display/],
  ] as const) {
    const choice = chooseStart({ ...facts, ...changed });
    assert.equal(choice.kind, 'serve');
    const reason = choice.kind === 'serve' ? choice.reason : '';
    assert.match(reason, pattern);
    assert.match(reason, /starting the browser UI \(corral serve\) instead\.$/);
    assert.doesNotMatch(reason, /\n/);
  }
});

test('this checkout: the electron package is installed without its binary, so serve', () => {
  const pkg = new URL('../../../node_modules/electron', import.meta.url).pathname;
  const binary = findElectronBinary(pkg, {});
  assert.equal(binary, null, 'ENVIRONMENT.md: the binary cannot be downloaded here');
  assert.equal(chooseStart({ ...facts, electronBinary: binary }).kind, 'serve');
});

test('the binary is found where the electron package would run it from', () => {
  const pkg = mkdtempSync(join(tmpdir(), 'corral-electron-pkg-'));
  assert.equal(findElectronBinary(pkg, {}), null, 'no path.txt: never downloaded');
  writeFileSync(join(pkg, 'path.txt'), 'electron');
  assert.equal(findElectronBinary(pkg, {}), null, 'path.txt but no binary');
  mkdirSync(join(pkg, 'dist'));
  writeFileSync(join(pkg, 'dist', 'electron'), '');
  assert.equal(findElectronBinary(pkg, {}), null, 'not executable');
  chmodSync(join(pkg, 'dist', 'electron'), 0o755);
  assert.equal(findElectronBinary(pkg, {}), join(pkg, 'dist', 'electron'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'corral-electron-dist-'));
  writeFileSync(join(elsewhere, 'electron'), '');
  chmodSync(join(elsewhere, 'electron'), 0o755);
  assert.equal(
    findElectronBinary(pkg, { ELECTRON_OVERRIDE_DIST_PATH: elsewhere }),
    join(elsewhere, 'electron'),
  );
});
