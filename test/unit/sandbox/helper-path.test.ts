// The app finds the helper and the Python SDK by a resolved path in each layout it runs from: a
// development checkout (app/ sources), the CLI bundle (dist/), and the packaged desktop app
// (code inside resources/app.asar, helper and SDK as real files in resources/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findHelper } from '../../../app/sandbox/helper-path.ts';
import { nodeRuntimeSupport, pythonSdkDir } from '../../../app/runtime/runtime-support.ts';

function file(path: string, mode = 0o644): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
  return path;
}

test('a development checkout: the built helper in dist/, the SDK in sdk/python', () => {
  const root = mkdtempSync(join(tmpdir(), 'corral-layout-checkout-'));
  const helper = file(join(root, 'dist', 'corral-sandbox'), 0o755);
  file(join(root, 'sdk', 'python', 'corral_sdk.py'));
  const sandboxLayout = {
    moduleDir: join(root, 'app', 'sandbox'),
    resourcesDir: null,
  };
  assert.equal(findHelper(sandboxLayout), helper);
  const runtimeLayout = { ...sandboxLayout, moduleDir: join(root, 'app', 'runtime') };
  assert.equal(
    pythonSdkDir(runtimeLayout),
    join(root, 'app', 'runtime', '..', '..', 'sdk', 'python'),
  );
});

test('the packaged app: resources/corral-sandbox and resources/python-sdk, outside app.asar', () => {
  const root = mkdtempSync(join(tmpdir(), 'corral-layout-packaged-'));
  const resources = join(root, 'opt', 'Corral', 'resources');
  const helper = file(join(resources, 'corral-sandbox'), 0o755);
  file(join(resources, 'python-sdk', 'corral_sdk.py'));
  // main's bundle lives inside the archive: nothing there is executable or bindable.
  const layout = {
    moduleDir: join(resources, 'app.asar', 'dist', 'electron'),
    resourcesDir: resources,
  };
  assert.equal(findHelper(layout), helper);
  assert.equal(pythonSdkDir(layout), join(resources, 'python-sdk'));
});

test('the packaged app wins over anything beside the code, and a helper must be executable', () => {
  const root = mkdtempSync(join(tmpdir(), 'corral-layout-order-'));
  const resources = join(root, 'resources');
  const moduleDir = join(root, 'dist');
  file(join(moduleDir, 'corral-sandbox'), 0o755);
  const packaged = file(join(resources, 'corral-sandbox'), 0o755);
  assert.equal(findHelper({ moduleDir, resourcesDir: resources }), packaged);
  chmodSync(packaged, 0o644);
  assert.equal(
    findHelper({ moduleDir, resourcesDir: resources }),
    join(moduleDir, 'corral-sandbox'),
    'a helper that lost its x bit is passed over',
  );
  const empty = mkdtempSync(join(tmpdir(), 'corral-layout-none-'));
  assert.equal(findHelper({ moduleDir: join(empty, 'a', 'b'), resourcesDir: empty }), null);
});

test('the node runtime under Electron runs the binary as Node, with its folder readable', () => {
  assert.deepEqual(nodeRuntimeSupport({ execPath: '/usr/bin/node', electron: undefined }), {
    readOnly: [],
    env: {},
  });
  assert.deepEqual(nodeRuntimeSupport({ execPath: '/opt/Corral/corral', electron: '45.6.0' }), {
    readOnly: ['/opt/Corral'],
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
});
