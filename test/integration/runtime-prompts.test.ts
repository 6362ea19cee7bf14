// Permission questions in real sandboxes: the time a question waits for the user does not count
// against the command's limits.timeoutMs, and an optional host is asked for the same way whether
// the extension calls net/fetch or a tool connects through the proxy (one rule, docs/network.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
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
import type { PromptAnswer, PromptService } from '../../app/runtime/prompts.ts';
import { ErrorCode } from '../../app/protocol/error-codes.ts';

let stage: RuntimeStage;
let ws: string;
let downloads: string;

before(() => {
  stage = stageRuntime();
  ws = stage.dir('ws');
  stage.dir('ws/notes', { writable: true });
  downloads = stage.dir('home/Downloads');
  stage.file('home/Downloads/ideas.md', '# Ideas\n');
});

after(() => stage.close());

/** Answers every question with `answer` after `ms`, as a person who takes their time. */
function answersAfter(ms: number, answer: PromptAnswer): PromptService & { asked: number } {
  const service = {
    asked: 0,
    ask: async () => {
      service.asked++;
      await new Promise((r) => setTimeout(r, ms));
      return answer;
    },
  };
  return service;
}

/** notes-sync with limits.timeoutMs patched to `timeoutMs`. */
function notesSync(runName: string, timeoutMs: number, prompts: PromptService) {
  const dir = stage.example(
    'notes-sync',
    (m) => ((m.limits as { timeoutMs: number }).timeoutMs = timeoutMs),
    runName,
  );
  return startExtension(stage, dir, {
    workspace: ws,
    vars: { home: stage.dir('home'), documents: stage.dir('home/Documents'), downloads },
    prompts,
    runName,
  });
}

describe(`[${runAs}] the time a question waits for the user is not the extension's`, () => {
  test('a 3.5 s answer to a question does not hit a 2 s limits.timeoutMs', async () => {
    const prompts = answersAfter(3500, 'allow-once');
    const r = await notesSync('slow-answer', 2000, prompts);
    const file = join(downloads, 'ideas.md');
    const started = performance.now();
    assert.deepEqual(await r.host.execute('notes.import', [file]), {
      imported: file,
      path: join(ws, 'notes/ideas.md'),
      notes: 1,
    });
    assert.ok(performance.now() - started >= 3500, 'it did wait for the answer');
    assert.equal(prompts.asked, 1);
    assert.equal(readFileSync(join(ws, 'notes/ideas.md'), 'utf8'), '# Ideas\n');
    assert.deepEqual(eventsLike(r.events, { kind: 'limit', op: 'timeout' }), []);
    assert.equal(r.host.state, 'ready');
  });

  test('the control: the same command without a question still meets its limit', async () => {
    // A limit shorter than the command's own work (starting, reading, writing): it must still fire.
    const r = await notesSync('no-answer-needed', 1, answersAfter(0, 'allow-once'));
    await failure(r.host.execute('notes.add', ['Late', 'text']), ErrorCode.LimitExceeded);
    assert.equal(eventsLike(r.events, { kind: 'limit', op: 'timeout' }).length, 1);
  });
});

describe(`[${runAs}] a question still open when the extension is stopped`, () => {
  test('does not hold up the stop: the grace runs on the wall clock, then the sandbox is killed', async () => {
    let asked!: () => void;
    const askedNow = new Promise<void>((r) => (asked = r));
    // A person who never answers: the question ends only when it is withdrawn.
    const prompts: PromptService = {
      ask: (_p, signal) => {
        asked();
        return new Promise((resolve) =>
          signal.addEventListener('abort', () => resolve('deny'), { once: true }),
        );
      },
    };
    const r = await notesSync('stopped-while-asking', 30_000, prompts);
    const command = r.host.execute('notes.import', [join(downloads, 'ideas.md')]).catch(() => {});
    await askedNow;
    const stopped = r.host.stop().then(() => 'stopped');
    const hung = new Promise((resolve) => setTimeout(() => resolve('hung'), 20_000).unref());
    assert.equal(await Promise.race([stopped, hung]), 'stopped');
    assert.equal(r.host.state, 'stopped');
    await command;
  });
});

describe(`[${runAs}] an optional host: one rule for net/fetch and the proxy`, () => {
  let server: http.Server;
  let port: number;

  before(async () => {
    server = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  /** Mischief with 127.0.0.1:PORT as an optional host, answering questions with `answers`. */
  function mischief(runName: string, answers: PromptAnswer[]) {
    const asked: string[] = [];
    const prompts: PromptService = {
      ask: async (p) => {
        asked.push(p.question);
        return answers.shift() ?? 'deny';
      },
    };
    const dir = stage.example(
      'mischief',
      (m) => (m.optionalPermissions = { net: [{ host: '127.0.0.1', ports: [port] }] }),
      runName,
    );
    return startExtension(stage, dir, { workspace: ws, prompts, runName }).then((r) => ({
      r,
      asked,
    }));
  }

  test('a tool through the proxy is asked, like net/fetch; "always" then covers both', async () => {
    const { r, asked } = await mischief('proxy-asks', ['allow-always']);
    assert.equal(
      await r.host.execute('mischief.proxyConnect', ['127.0.0.1', port]),
      'HTTP/1.1 200 Connection Established',
    );
    assert.deepEqual(asked, [`Mischief wants to connect to 127.0.0.1:${port}.`]);
    // The same grant, now allowed always, lets net/fetch through without a second question.
    assert.equal(await r.host.execute('mischief.fetch', [`http://127.0.0.1:${port}/`]), 200);
    assert.equal(asked.length, 1);
    const prompt = eventsLike(r.events, { kind: 'permission', op: 'prompt' });
    assert.deepEqual(
      prompt.map((e) => [e.target, e.decision, e.reason]),
      [
        [
          `net connect 127.0.0.1:${port}`,
          'allow',
          'optional net[0]: allow-always by the user, kept until this run ends (not installed)',
        ],
      ],
    );
  });

  test('"deny" refuses the proxy path with the same reason net/fetch gets', async () => {
    const { r, asked } = await mischief('proxy-denied', ['deny', 'deny']);
    assert.equal(
      await r.host.execute('mischief.proxyConnect', ['127.0.0.1', port]),
      'HTTP/1.1 403 Forbidden',
    );
    const e = await failure(
      r.host.execute('mischief.fetch', [`http://127.0.0.1:${port}/`]),
      ErrorCode.PermissionDenied,
    );
    assert.match(e.message, /optional net\[0\] refused: deny by the user/);
    assert.equal(asked.length, 2, 'asked on each path, since neither answer was "always"');
    const refused = eventsLike(r.events, { kind: 'net', op: 'connect', decision: 'deny' });
    assert.deepEqual(
      refused.map((x) => x.reason),
      ['optional net[0] refused: deny by the user'],
    );
  });
});
