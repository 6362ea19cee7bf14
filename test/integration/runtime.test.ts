// The example extensions end to end through ExtensionRunner, in real sandboxes: word-count reads
// the workspace, github-stars fetches from a local HTTPS server standing in for api.github.com,
// notes-sync writes under its grants and asks for an optional one, todo-scan runs on Python.
// Runs as the current user and, when the suite is root, again with the helper as `nobody`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  eventsLike,
  failure,
  runAs,
  stageRuntime,
  startExtension,
  type RuntimeStage,
} from './fixtures/runtime-harness.ts';
import { createNetFetcher } from '../../app/runtime/net-fetch.ts';
import { makeCert } from '../support/tls-cert.ts';
import {
  askWithTimeout,
  type PermissionPrompt,
  type PromptAnswer,
  type PromptService,
} from '../../app/runtime/prompts.ts';

let stage: RuntimeStage;
let ws: string;

before(() => {
  stage = stageRuntime();
  ws = stage.dir('ws');
  stage.file('ws/a.md', 'One two\nthree\n');
  stage.dir('ws/sub/deeper');
  stage.file('ws/sub/b.txt', 'four five six seven\n');
  stage.file('ws/sub/deeper/c.md', 'eight\n');
  stage.file('ws/code.py', '# TODO: count these too\nx = 1  # FIXME wrong value\n');
  stage.file('ws/notes.bin', 'not counted: not .md or .txt\n');
  stage.dir('outside');
  stage.file('outside/secret.md', 'nine ten eleven twelve\n');
  symlinkSync(join(stage.root, 'outside/secret.md'), join(ws, 'link.md'));
});

after(() => stage.close());

const start = (name: string, o: Parameters<typeof startExtension>[2] = {}) =>
  startExtension(stage, stage.example(name), { workspace: ws, ...o });

test(`[${runAs}] word-count counts every .md and .txt file in the workspace, or one file`, async () => {
  const r = await start('word-count');
  assert.deepEqual(await r.host.execute('wordcount.count'), {
    total: 8,
    files: [
      { path: join(ws, 'a.md'), words: 3 },
      { path: join(ws, 'sub/b.txt'), words: 4 },
      { path: join(ws, 'sub/deeper/c.md'), words: 1 },
    ],
  });
  assert.deepEqual(await r.host.execute('wordcount.count', [join(ws, 'sub/b.txt')]), {
    total: 4,
    files: [{ path: join(ws, 'sub/b.txt'), words: 4 }],
  });
  // Every read went through the broker under the workspace grant, and was recorded.
  for (const file of ['a.md', 'sub/b.txt', 'sub/deeper/c.md']) {
    const reads = eventsLike(r.events, { kind: 'fs', op: 'read', target: join(ws, file) });
    assert.ok(reads.length > 0, file);
    assert.ok(reads.every((e) => e.decision === 'allow' && e.reason === 'grant fs[0]'));
  }
  // The symlink out of the workspace is neither followed nor counted, and a file outside is refused.
  const outside = await failure(
    r.host.execute('wordcount.count', [join(stage.root, 'outside/secret.md')]),
    -32001,
  );
  assert.match(outside.message, /no grant covers/);
  assert.equal(
    eventsLike(r.events, {
      layer: 'broker',
      kind: 'fs',
      target: join(stage.root, 'outside/secret.md'),
      decision: 'deny',
    }).length,
    1,
  );
  await r.host.stop();
  assert.equal(r.host.state, 'stopped');
});

describe(`[${runAs}] github-stars against a local HTTPS server standing in for api.github.com`, () => {
  let server: https.Server;
  let pem: string;
  let port: number;
  const requests: { url: string; host: string; agent: string }[] = [];

  before(async () => {
    const made = makeCert(['api.github.com']);
    pem = made.cert;
    const key = made.key;
    server = https.createServer({ key, cert: pem }, (req, res) => {
      requests.push({
        url: req.url ?? '',
        host: req.headers.host ?? '',
        agent: req.headers['user-agent'] ?? '',
      });
      const m = /^\/repos\/([^/]+\/[^/]+)$/.exec(req.url ?? '');
      if (m?.[1] === 'acme/rocket') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ full_name: 'acme/rocket', stargazers_count: 4242 }));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"message":"Not Found"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  test('stars.get returns stargazers_count; an unknown repository is not found', async () => {
    const net = createNetFetcher({ resolve: { 'api.github.com': `127.0.0.1:${port}` }, ca: [pem] });
    const r = await start('github-stars', { net });
    assert.deepEqual(await r.host.execute('stars.get', ['acme/rocket']), {
      repo: 'acme/rocket',
      stars: 4242,
    });
    const missing = await failure(r.host.execute('stars.get', ['acme/gone']), -32002);
    assert.match(missing.message, /github\.com\/acme\/gone does not exist/);
    await failure(r.host.execute('stars.get', ['../../etc']), -32602);
    // The request reached the server as GitHub would see it: its path, Host and agent.
    assert.deepEqual(requests.slice(0, 2), [
      {
        url: '/repos/acme/rocket',
        host: 'api.github.com',
        agent: 'corral-examples-github-stars/1.0',
      },
      {
        url: '/repos/acme/gone',
        host: 'api.github.com',
        agent: 'corral-examples-github-stars/1.0',
      },
    ]);
    const fetches = eventsLike(r.events, {
      kind: 'net',
      op: 'fetch',
      target: 'api.github.com:443',
    });
    assert.deepEqual(
      fetches.map((e) => [e.decision, e.reason]),
      [
        ['allow', 'grant net[0]; HTTP 200'],
        ['allow', 'grant net[0]; HTTP 404'],
      ],
    );
  });

  test('a server whose certificate the host does not trust is refused', async () => {
    const before = requests.length;
    const net = createNetFetcher({ resolve: { 'api.github.com': `127.0.0.1:${port}` } });
    const r = await start('github-stars', { net, runName: 'github-stars-untrusted' });
    const e = await failure(r.host.execute('stars.get', ['acme/rocket']), -32603);
    assert.match(e.message, /fetch from api\.github\.com failed: .*(SELF_SIGNED|CERT)/);
    assert.equal(requests.length, before, 'no request was sent over an untrusted connection');
    // Allowed by the policy, then failed (TLS): audited as such, not as a policy denial.
    assert.equal(
      eventsLike(r.events, { kind: 'net', op: 'fetch', decision: 'allow', outcome: 'failed' })
        .length,
      1,
      'the failed fetch is audited',
    );
  });

  test('resolve takes an address or address:port and refuses anything else', () => {
    assert.throws(
      () => createNetFetcher({ resolve: { 'api.github.com': 'localhost:8443' } }),
      /resolve: "localhost:8443" is not an address or address:port/,
    );
    assert.throws(() => createNetFetcher({ resolve: { a: '127.0.0.1:99999' } }), /resolve/);
    for (const ok of ['127.0.0.1', '::1', '[::1]:8443', '10.0.0.1:443'])
      assert.doesNotThrow(() => createNetFetcher({ resolve: { a: ok } }), ok);
  });
});

/** A PromptService that answers from a script and remembers what it was asked. */
function scriptedPrompts(script: (PromptAnswer | 'fail')[]): PromptService & {
  asked: PermissionPrompt[];
} {
  const asked: PermissionPrompt[] = [];
  return {
    asked,
    async ask(prompt) {
      asked.push(prompt);
      const answer = script.shift() ?? 'deny';
      if (answer === 'fail') throw new Error('no window to ask in');
      return answer;
    },
  };
}

describe(`[${runAs}] notes-sync: writes under its grants, asks before reading Downloads`, () => {
  let notesWs: string;
  let downloads: string;
  const vars = () => ({
    home: stage.dir('nhome'),
    documents: stage.dir('nhome/Documents'),
    downloads,
  });

  before(() => {
    notesWs = stage.dir('notes-ws');
    stage.dir('notes-ws/notes');
    downloads = stage.dir('nhome/Downloads');
    stage.file('nhome/Downloads/ideas.md', '# Ideas\n\n- a sandbox for everything\n');
  });

  const startNotes = (runName: string, prompts: PromptService) =>
    start('notes-sync', { workspace: notesWs, vars: vars(), prompts, runName });

  test('notes.add writes the note in the workspace and its index in the data folder', async () => {
    const prompts = scriptedPrompts([]);
    const r = await startNotes('notes-add', prompts);
    const added = await r.host.execute('notes.add', ['Groceries', 'milk, eggs']);
    assert.deepEqual(added, { path: join(notesWs, 'notes/groceries.md'), notes: 1 });
    assert.equal(
      readFileSync(join(notesWs, 'notes/groceries.md'), 'utf8'),
      '# Groceries\n\nmilk, eggs\n',
    );
    assert.deepEqual(await r.host.execute('notes.add', ['Ideas!', 'more']), {
      path: join(notesWs, 'notes/ideas.md'),
      notes: 2,
    });
    const index = JSON.parse(
      readFileSync(join(stage.root, 'run/notes-add/data/index.json'), 'utf8'),
    ) as { notes: { slug: string }[] };
    assert.deepEqual(
      index.notes.map((n) => n.slug),
      ['groceries', 'ideas'],
    );
    const writes = eventsLike(r.events, { kind: 'fs', op: 'write', decision: 'allow' });
    assert.ok(writes.some((e) => e.target === join(notesWs, 'notes/groceries.md')));
    assert.ok(writes.some((e) => e.target.endsWith('/run/notes-add/data/index.json')));
    assert.equal(prompts.asked.length, 0, 'its own grants need no question');
  });

  test('notes.import with "deny" (or no window to ask in) imports nothing', async () => {
    const prompts = scriptedPrompts(['deny', 'fail']);
    const r = await startNotes('notes-deny', prompts);
    const file = join(downloads, 'ideas.md');
    for (const why of ['deny by the user', 'the question could not be shown']) {
      const e = await failure(r.host.execute('notes.import', [file]), -32001);
      assert.match(e.message, /reading Downloads was not allowed/);
      const request = eventsLike(r.events, { kind: 'permission', op: 'request' }).at(-1);
      assert.equal(request?.decision, 'deny');
      assert.match(request?.reason ?? '', new RegExp(`^fs\\[0\\]: ${why}$`));
    }
    assert.equal(prompts.asked.length, 2);
    assert.match(
      prompts.asked[0]!.question,
      /Notes Sync asks for more access: read \$\{downloads\}/,
    );
    // Without the grant, the file itself stays out of reach.
    const read = eventsLike(r.events, { kind: 'fs', op: 'read', target: file });
    assert.equal(read.length, 0, 'the extension gave up before reading');
  });

  test('"allow once" lasts this run of the extension; "allow always" outlives a restart', async () => {
    const file = join(downloads, 'ideas.md');
    for (const answer of ['allow-once', 'allow-always'] as const) {
      const prompts = scriptedPrompts([answer, answer]);
      const r = await startNotes(`notes-${answer}`, prompts);
      const imported = await r.host.execute('notes.import', [file]);
      assert.deepEqual(imported, {
        imported: file,
        path: join(notesWs, 'notes/ideas.md'),
        notes: 1,
      });
      assert.equal(
        readFileSync(join(notesWs, 'notes/ideas.md'), 'utf8'),
        '# Ideas\n\n- a sandbox for everything\n',
      );
      await r.host.execute('notes.import', [file]);
      assert.equal(prompts.asked.length, 1, `${answer}: asked once in one run`);
      const granted = eventsLike(r.events, { kind: 'permission', decision: 'allow' });
      assert.match(granted[0]?.reason ?? '', new RegExp(`${answer} by the user`));
      assert.ok(
        eventsLike(r.events, { kind: 'fs', op: 'read', target: file, decision: 'allow' }).length >=
          2,
      );

      await r.host.stop();
      await r.host.start();
      await r.host.execute('notes.import', [file]);
      assert.equal(
        prompts.asked.length,
        answer === 'allow-once' ? 2 : 1,
        `${answer}: asked again after a restart?`,
      );
    }
  });

  test('a question nobody answers is a deny once the time is up', async () => {
    let aborted = false;
    const silent: PromptService = {
      ask: (_prompt, signal) =>
        new Promise(() => signal.addEventListener('abort', () => (aborted = true))),
    };
    const started = performance.now();
    const { answer, why } = await askWithTimeout(
      silent,
      {
        ext: 'corral-examples.notes-sync',
        extName: 'Notes Sync',
        always: 'this-run',
        question: 'q',
        target: '${downloads}',
        grants: ['fs[0]'],
      },
      200,
    );
    assert.equal(answer, 'deny');
    assert.match(why, /no answer in/);
    assert.ok(performance.now() - started >= 190);
    assert.ok(aborted, 'the question was withdrawn');
  });
});

test(`[${runAs}] todo-scan (Python, import corral_sdk) lists TODO and FIXME lines`, async () => {
  const todoWs = stage.dir('todo-ws');
  stage.file('todo-ws/README.md', 'Intro\nTODO: write the docs\n');
  stage.dir('todo-ws/src');
  stage.file(
    'todo-ws/src/main.py',
    'x = 1\n# FIXME: x is wrong\n# todo lower case is not a marker\n',
  );
  stage.dir('todo-ws/node_modules/dep');
  stage.file('todo-ws/node_modules/dep/index.js', '// TODO: not ours\n');
  writeFileSync(
    join(todoWs, 'latin1.txt'),
    Buffer.from([0x54, 0x4f, 0x44, 0x4f, 0x20, 0xe9, 0x0a]),
  );
  const r = await start('todo-scan', { workspace: todoWs });
  assert.deepEqual(await r.host.execute('todo.scan'), {
    items: [
      { path: join(todoWs, 'README.md'), line: 2, kind: 'TODO', text: 'write the docs' },
      { path: join(todoWs, 'src/main.py'), line: 2, kind: 'FIXME', text: 'x is wrong' },
    ],
    skipped: [join(todoWs, 'latin1.txt')],
  });
  assert.ok(
    eventsLike(r.events, { kind: 'fs', op: 'read', target: join(todoWs, 'src/main.py') }).length,
  );
  const outside = await failure(r.host.execute('todo.scan', [join(stage.root, 'outside')]), -32001);
  assert.match(outside.message, /no grant covers/);
});
