// What docs/extension-guide.md and docs/protocol.md say about life inside the sandbox, checked in
// real sandboxes (issue 13): the environment and HOME, and which layer records what in the audit
// log: an SDK call is recorded, refused or not; a direct open of a path no grant binds meets
// ENOENT and leaves no event, and a direct write under a read-only grant is refused by the kernel
// without one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  failure,
  runAs,
  stageRuntime,
  startExtension,
  type Running,
  type RuntimeStage,
} from './fixtures/runtime-harness.ts';
import { ErrorCode } from '../../app/protocol/error-codes.ts';

let stage: RuntimeStage;
let ws: string;
let home: string;
let r: Running;

before(async () => {
  stage = stageRuntime();
  ws = stage.dir('ws');
  stage.file('ws/readme.md', 'hello\n');
  home = stage.dir('home');
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  writeFileSync(join(home, '.ssh/id_ed25519'), 'PRIVATE KEY\n', { mode: 0o600 });
  r = await startExtension(stage, stage.example('mischief'), {
    workspace: ws,
    vars: { home, documents: join(home, 'Documents'), downloads: join(home, 'Downloads') },
  });
});

after(() => stage.close());

/** Every audit event that names `path`. */
const about = (path: string) => r.events.filter((e) => e.target === path);

describe(`[${runAs}] life inside the sandbox, as the docs describe it`, () => {
  test('the environment is the documented one, and HOME is ${tmp}', async () => {
    const { env, cwd } = (await r.host.execute('mischief.whereAmI')) as {
      env: Record<string, string>;
      cwd: string;
    };
    assert.deepEqual(Object.keys(env).sort(), [
      'CORRAL_EXTENSION_DATA',
      'CORRAL_EXTENSION_ID',
      'CORRAL_FD',
      // Protocol version 2's offer (docs/protocol.md, Versions); the addon for the Node SDK.
      'CORRAL_FD_ADDON',
      'CORRAL_FILE_FD',
      'CORRAL_PROTOCOL_MAX',
      'CORRAL_SANDBOX',
      'CORRAL_TMP',
      'CORRAL_WORKSPACE',
      'HOME',
      'HTTPS_PROXY',
      'HTTP_PROXY',
      'LANG',
      'PATH',
      'TMPDIR',
      'http_proxy',
      'https_proxy',
    ]);
    assert.equal(env.HOME, env.TMPDIR, 'HOME is ${tmp}');
    assert.ok(env.TMPDIR!.endsWith('/run/mischief/tmp'), env.TMPDIR);
    assert.notEqual(env.HOME, home);
    assert.equal(cwd, ws);
  });

  test('a direct open of a path no grant binds meets ENOENT and leaves no event', async () => {
    const key = join(home, '.ssh/id_ed25519');
    assert.deepEqual(await r.host.execute('mischief.directRead', [key]), {
      ok: false,
      code: 'ENOENT',
    });
    assert.deepEqual(about(key), [], 'nothing to refuse: the path does not exist in there');
    // The control: the same path asked of the host is refused and recorded.
    await failure(r.host.execute('mischief.readFile', [key]), ErrorCode.PermissionDenied);
    assert.deepEqual(
      about(key).map((e) => [e.layer, e.decision]),
      [['broker', 'deny']],
    );
  });

  test('a direct write under a read-only grant is refused by the kernel, without an event', async () => {
    const file = join(ws, 'readme.md');
    const direct = (await r.host.execute('mischief.directWrite', [file])) as {
      ok: boolean;
      code: string;
    };
    assert.equal(direct.ok, false);
    assert.ok(['EROFS', 'EACCES'].includes(direct.code), direct.code);
    assert.deepEqual(about(file), []);
    await failure(r.host.execute('mischief.writeFile', [file]), ErrorCode.PermissionDenied);
    assert.deepEqual(
      about(file).map((e) => [e.layer, e.decision]),
      [['broker', 'deny']],
    );
  });
});
