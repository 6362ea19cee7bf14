// electron-builder.yml and the fuses, read as the packaging step reads them: every fuse decided
// (RunAsNode kept for the node runtime, everything that lets the environment or the command line
// alter the app turned off), and the package laid out where the app looks for its parts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { FuseV1Options } from '@electron/fuses';
import { z } from 'zod';
import { FUSE_DECISIONS, fuseConfig } from '../../../packaging/fuses.mjs';
import { nodeRuntimeSupport } from '../../../app/runtime/runtime-support.ts';
import { helperCandidates } from '../../../app/sandbox/helper-path.ts';
import { pythonSdkCandidates } from '../../../app/runtime/runtime-support.ts';

const root = new URL('../../../', import.meta.url).pathname;

test('every fuse @electron/fuses knows has exactly one decision, with a reason', () => {
  const known = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number');
  assert.deepEqual(FUSE_DECISIONS.map((d) => d.fuse).sort(), [...known].sort());
  for (const d of FUSE_DECISIONS) assert.ok(d.why.length > 20, FuseV1Options[d.fuse]);
  assert.equal(
    fuseConfig().strictlyRequireAllFuses,
    true,
    'a new fuse fails the build until decided',
  );
});

test('the fuses: RunAsNode for the node runtime; no NODE_OPTIONS, no inspector, asar only', () => {
  const config = fuseConfig();
  assert.equal(config[FuseV1Options.RunAsNode], true);
  assert.equal(config[FuseV1Options.EnableNodeOptionsEnvironmentVariable], false);
  assert.equal(config[FuseV1Options.EnableNodeCliInspectArguments], false);
  assert.equal(config[FuseV1Options.OnlyLoadAppFromAsar], true);
  assert.equal(config[FuseV1Options.EnableEmbeddedAsarIntegrityValidation], true);
  assert.equal(config[FuseV1Options.GrantFileProtocolExtraPrivileges], false);
  assert.equal(config[FuseV1Options.EnableCookieEncryption], true);
  // The coupling: under Electron the node runtime needs ELECTRON_RUN_AS_NODE, which RunAsNode
  // honours. Turning the fuse off without changing the runtime would break every node extension.
  assert.equal(
    nodeRuntimeSupport({ execPath: '/opt/Corral/corral', electron: '45.6.0' }).env
      .ELECTRON_RUN_AS_NODE,
    '1',
  );
});

/** The fields of electron-builder.yml this test relies on. */
const builderSchema = z.object({
  productName: z.literal('Corral'),
  extraMetadata: z.object({ main: z.string() }),
  files: z.array(z.string()),
  asar: z.literal(true),
  asarUnpack: z.array(z.string()),
  extraResources: z.array(z.object({ from: z.string(), to: z.string() })),
  afterPack: z.string(),
  linux: z.object({ target: z.array(z.string()), executableName: z.string(), icon: z.string() }),
  deb: z.object({ afterInstall: z.string(), afterRemove: z.string(), appArmorProfile: z.string() }),
  mac: z.object({
    target: z.string(),
    hardenedRuntime: z.literal(true),
    entitlements: z.string(),
    entitlementsInherit: z.string(),
  }),
});

// js-yaml is electron-builder's own YAML reader; read through require, checked by the schema.
const yaml = createRequire(import.meta.url)('js-yaml') as { load: (text: string) => unknown };
const builder = builderSchema.parse(
  yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')),
);

test('the packages: AppImage and deb on Linux, dmg on macOS, the hooks and scripts present', () => {
  assert.deepEqual(builder.linux.target, ['AppImage', 'deb']);
  assert.equal(builder.mac.target, 'dmg');
  assert.equal(builder.linux.executableName, 'corral', 'the name postinst links onto PATH');
  for (const file of [
    builder.afterPack,
    builder.deb.afterInstall,
    builder.deb.afterRemove,
    builder.deb.appArmorProfile,
    builder.mac.entitlements,
  ]) {
    assert.ok(existsSync(join(root, file)), file);
  }
  assert.equal(builder.extraMetadata.main, 'dist/electron/main.cjs');
});

test('the helper and the Python SDK go where the packaged app looks for them', () => {
  const resources = '/opt/Corral/resources';
  const layout = {
    moduleDir: `${resources}/app.asar/dist/electron`,
    resourcesDir: resources,
  };
  const placed = (from: string) => {
    const entry = builder.extraResources.find((r) => r.from === from);
    assert.ok(entry, `${from} is in extraResources`);
    return `${resources}/${entry.to}`;
  };
  assert.equal(helperCandidates(layout)[0], placed('dist/corral-sandbox'));
  assert.equal(pythonSdkCandidates(layout)[0], placed('dist/python-sdk'));
  // The AppArmor profile attaches to the same path (render: /opt/${sanitizedProductName}/…).
  assert.match(
    readFileSync(join(root, builder.deb.appArmorProfile), 'utf8'),
    /^profile corral-sandbox \/opt\/\$\{sanitizedProductName\}\/resources\/corral-sandbox /m,
  );
});

test('the archive holds the built app and no source maps; native modules are unpacked', () => {
  assert.ok(builder.files.includes('dist/electron/**'));
  assert.ok(builder.files.includes('dist/renderer/**'));
  assert.ok(builder.files.includes('!dist/electron/**/*.map'));
  assert.deepEqual(builder.asarUnpack, [
    'node_modules/better-sqlite3/**',
    'node_modules/node-pty/**',
  ]);
});

test('the macOS entitlements allow the JIT and nothing that injects code', () => {
  const plist = readFileSync(join(root, builder.mac.entitlements), 'utf8');
  const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
  assert.deepEqual(keys, ['com.apple.security.cs.allow-jit']);
});
