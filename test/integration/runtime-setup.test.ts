// Granted folders that do not exist, and sandbox set-up failures, in real sandboxes: a required
// write grant's folder is created (or the start is refused in one line naming the grant and the
// fix), a missing read grant is left unbound, and the helper's set-up errors are never shown as
// the extension's own output.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  corralCli,
  eventsLike,
  failure,
  runAs,
  stageRuntime,
  startExtension,
  type RuntimeStage,
} from './fixtures/runtime-harness.ts';
import { ErrorCode } from '../../app/protocol/error-codes.ts';

let stage: RuntimeStage;
let ws: string;
let documents: string;

before(() => {
  stage = stageRuntime();
  ws = stage.dir('ws');
  documents = stage.dir('home/Documents');
  stage.file('home/Documents/notes.txt', 'a file, not a folder\n');
});

after(() => stage.close());

/** Mischief with extra fs grants; what it printed, and how its start went. */
async function mischiefWith(runName: string, fs: { path: string; access: 'read' | 'write' }[]) {
  const dir = stage.example(
    'mischief',
    (m) => {
      const p = m.permissions as { fs: unknown[] };
      p.fs = [...p.fs, ...fs];
    },
    runName,
  );
  const output: string[] = [];
  const started = startExtension(stage, dir, {
    workspace: ws,
    vars: { home: stage.dir('home'), documents, downloads: join(stage.root, 'home/Downloads') },
    runName,
  }).then((r) => {
    output.push(...r.output);
    return r;
  });
  return { started, output };
}

describe(`[${runAs}] a granted folder that does not exist`, () => {
  test('a write grant creates its folder, says so in the audit, and the extension starts', async () => {
    const summaries = join(documents, 'summaries/2026');
    assert.equal(existsSync(summaries), false);
    const { started } = await mischiefWith('creates', [
      { path: '${documents}/summaries/2026', access: 'write' },
    ]);
    const r = await started;
    assert.equal(statSync(summaries).isDirectory(), true);
    assert.equal(await r.host.execute('mischief.writeFile', [join(summaries, 'a.md')]), 'written');
    assert.equal(readFileSync(join(summaries, 'a.md'), 'utf8'), 'written by mischief\n');
    assert.deepEqual(
      eventsLike(r.events, { op: 'create', target: summaries }).map((e) => e.reason),
      ['grant fs[1]: created the folder, which did not exist'],
    );
    // The next start finds it there: nothing to create, nothing said.
    await r.host.stop();
    await r.host.start();
    assert.equal(eventsLike(r.events, { op: 'create' }).length, 1);
  });

  test('one that cannot be created refuses the start in one line naming the grant and the fix', async () => {
    const { started, output } = await mischiefWith('cannot-create', [
      { path: '${documents}/notes.txt/summaries', access: 'write' },
    ]);
    await assert.rejects(started, (e: Error) => {
      assert.equal(
        e.message,
        `corral-examples.mischief did not start: fs[1] (write \${documents}/notes.txt/summaries): cannot resolve ${documents}/notes.txt/summaries (ENOTDIR); fix: create that folder yourself, or remove the grant from the manifest`,
      );
      return true;
    });
    assert.deepEqual(output, []);
  });

  test('a read grant on a missing folder is not bound; the extension starts and meets "not found"', async () => {
    const missing = join(stage.root, 'home/Downloads');
    const { started } = await mischiefWith('unbound', [{ path: '${downloads}', access: 'read' }]);
    const r = await started;
    assert.equal(existsSync(missing), false, 'a read grant creates nothing');
    assert.deepEqual(
      eventsLike(r.events, { op: 'grant', target: missing }).map((e) => e.reason),
      [`not bound: fs[1]: ${missing} does not exist (nothing to read there yet)`],
    );
    await failure(r.host.execute('mischief.readFile', [join(missing, 'x')]), ErrorCode.NotFound);
  });
});

describe(`[${runAs}] sandbox set-up failures`, () => {
  test("a sandbox that cannot be set up is the start's reason, never the extension's output", async () => {
    // Nothing under /dev (the sandbox's own) can be bound: the plan refuses it before the helper
    // runs (sandbox-helper/src/policy.c refuses it too): a set-up failure either way.
    const { started, output } = await mischiefWith('refused', [
      { path: '/dev/shm', access: 'read' },
    ]);
    await assert.rejects(started, (e: Error) => {
      assert.match(
        e.message,
        /^corral-examples\.mischief did not start: a grant of \/dev\/shm cannot be made: \/dev is the sandbox's own; fix: grant a folder below it in permissions\.fs/,
      );
      assert.doesNotMatch(e.message, /went away/);
      return true;
    });
    assert.deepEqual(output, [], 'nothing printed as if the extension had said it');
  });

  test('the control: an extension that prints at start has its lines shown as output', async () => {
    const { started } = await mischiefWith('prints', []);
    const r = await started;
    await r.host.execute('mischief.shout', [3]);
    await r.host.stop();
    assert.deepEqual(r.output, ['stdout: shout 0', 'stdout: shout 1', 'stdout: shout 2']);
  });

  test('corral exec creates a missing write folder too', async () => {
    const home = stage.ownDir('exec-home');
    const policy = stage.file(
      'exec-policy.json',
      JSON.stringify({ permissions: { fs: [{ path: '${workspace}/out/new', access: 'write' }] } }),
    );
    const workspace = stage.ownDir('exec-ws');
    const run = await corralCli(
      stage,
      [
        'exec',
        '--policy',
        policy,
        '--workspace',
        workspace,
        '--',
        '/bin/sh',
        '-c',
        `echo hi > ${workspace}/out/new/x`,
      ],
      home,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(readFileSync(join(workspace, 'out/new/x'), 'utf8'), 'hi\n');
    writeFileSync(join(workspace, 'out/blocker'), '');
    const blocked = stage.file(
      'exec-blocked.json',
      JSON.stringify({
        permissions: { fs: [{ path: '${workspace}/out/blocker/new', access: 'write' }] },
      }),
    );
    const refused = await corralCli(
      stage,
      ['exec', '--policy', blocked, '--workspace', workspace, '--', '/bin/true'],
      home,
    );
    assert.equal(refused.status, 125);
    assert.match(
      refused.stderr,
      /^corral exec: fs\[0\] \(write \$\{workspace\}\/out\/blocker\/new\): cannot resolve .* \(ENOTDIR\); fix: create that folder yourself/,
    );
  });
});
