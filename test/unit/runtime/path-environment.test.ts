// Which path variables an extension's environment reveals (app/platform/path-environment.ts), and
// that the SDKs resolve exactly those: its own folders always, the workspace when open, the
// user's folders only when a grant (required or optional) reaches into or over them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathEnvironment } from '../../../app/platform/path-environment.ts';
import type { PolicyInput } from '../../../app/policy/manifest.ts';
import { pathEnvironmentSchema, resolvePathTemplate } from '../../../app/protocol/index.ts';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'corral-path-env-')));
for (const d of ['home/Documents/reports', 'home/Downloads', 'data', 'tmp', 'ws', 'elsewhere'])
  mkdirSync(join(root, d), { recursive: true });
const vars = {
  workspace: join(root, 'ws'),
  home: join(root, 'home'),
  documents: join(root, 'home/Documents'),
  downloads: join(root, 'home/Downloads'),
  extensionData: join(root, 'data'),
  tmp: join(root, 'tmp'),
};

function policy(
  fs: { path: string; access: 'read' | 'write' }[],
  optional: typeof fs = [],
): PolicyInput {
  return { permissions: { fs }, optionalPermissions: { fs: optional }, limits: {} };
}

test('nothing granted: only the extension’s own folders and the workspace', () => {
  const env = pathEnvironment(vars, policy([]));
  assert.deepEqual(env, {
    CORRAL_EXTENSION_DATA: vars.extensionData,
    CORRAL_TMP: vars.tmp,
    CORRAL_WORKSPACE: vars.workspace,
  });
  assert.ok(pathEnvironmentSchema.safeParse(env).success);
  assert.deepEqual(Object.keys(pathEnvironment({ ...vars, workspace: null }, policy([]))).sort(), [
    'CORRAL_EXTENSION_DATA',
    'CORRAL_TMP',
  ]);
});

test('a grant reveals the folders it reaches into or over, required or optional', () => {
  const keys = (p: PolicyInput) =>
    Object.keys(pathEnvironment(vars, p))
      .filter((k) => /HOME|DOC|DOWN/.test(k))
      .sort();
  // ${home} too: its path is in Documents' anyway, and ${home}/Documents is the same folder.
  assert.deepEqual(keys(policy([{ path: '${documents}/reports', access: 'write' }])), [
    'CORRAL_DOCUMENTS',
    'CORRAL_HOME',
  ]);
  assert.deepEqual(keys(policy([], [{ path: '${downloads}', access: 'read' }])), [
    'CORRAL_DOWNLOADS',
    'CORRAL_HOME',
  ]);
  assert.deepEqual(keys(policy([{ path: '${home}', access: 'read' }])), [
    'CORRAL_DOCUMENTS',
    'CORRAL_DOWNLOADS',
    'CORRAL_HOME',
  ]);
  // The home folder is revealed by a grant inside it (${home}/x is how it is reached).
  assert.deepEqual(keys(policy([{ path: '${home}/.config/x', access: 'read' }])), ['CORRAL_HOME']);
  assert.deepEqual(
    keys(policy([{ path: `${root}/elsewhere`, access: 'read' }])),
    [],
    'the control',
  );
});

test('the values are real paths: a symlinked Downloads is where the sandbox binds it', () => {
  const linked = { ...vars, downloads: join(root, 'dl-link') };
  symlinkSync(join(root, 'elsewhere'), linked.downloads);
  const env = pathEnvironment(linked, policy([{ path: '${downloads}', access: 'read' }]));
  assert.equal(env.CORRAL_DOWNLOADS, join(root, 'elsewhere'));
  const resolved = resolvePathTemplate('${downloads}/a.csv', env);
  assert.deepEqual(resolved, { ok: true, path: join(root, 'elsewhere/a.csv') });
  assert.deepEqual(resolvePathTemplate('${documents}/a', env), {
    ok: false,
    problem: {
      code: 'unavailable',
      message:
        '${documents} is not known to this extension: its manifest grants nothing there; add e.g. "read ${documents}" to its permissions or optionalPermissions',
    },
  });
});
