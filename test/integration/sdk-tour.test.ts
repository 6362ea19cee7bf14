// The guide's SDK examples run (examples/sdk-tour): every method, in a real sandbox, through
// ExtensionRunner, with path variables resolved from the environment the host sets, a stand-in
// for api.github.com and a user who answers the permission question.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  eventsLike,
  runAs,
  stageRuntime,
  startExtension,
  type Running,
  type RuntimeStage,
} from './fixtures/runtime-harness.ts';
import { IpcBus } from '../../app/runtime/ipc-bus.ts';
import type { NetFetcher } from '../../app/runtime/broker.ts';
import type { PromptService } from '../../app/runtime/prompts.ts';

let stage: RuntimeStage;
let ws: string;
let tour: Running;
const fetched: string[] = [];
const bus = new IpcBus();

before(async () => {
  stage = stageRuntime();
  ws = stage.dir('ws');
  stage.file('ws/notes.md', '# Notes\nbuy milk\n');
  stage.file('ws/todo.txt', 'x\n');
  stage.dir('home/Downloads');
  stage.file('home/Downloads/a.pdf', '%PDF');
  const net: NetFetcher = {
    async fetch(params) {
      fetched.push(params.url);
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ stargazers_count: 4242 }),
      };
    },
  };
  const prompts: PromptService = { ask: async () => 'allow-once' };
  tour = await startExtension(stage, stage.example('sdk-tour'), {
    workspace: ws,
    net,
    prompts,
    ipc: bus,
  });
});
after(() => stage.close());

const run = (command: string, args: unknown[] = []) => tour.host.execute(command, args);
const dataDir = () => join(stage.root, 'run/sdk-tour/data');

test(`[${runAs}] onInitialize and ready: the workspace and the extension's identity`, async () => {
  assert.deepEqual(tour.logs[0], {
    level: 'info',
    message: `corral-examples.sdk-tour 1.0.0 starts in ${ws}`,
  });
  assert.equal(await run('tour.ready'), 'corral-examples.sdk-tour');
});

test(`[${runAs}] paths.resolve, fs.read, fs.list, fs.stat: path variables, not paths`, async () => {
  assert.deepEqual(await run('tour.paths'), { notes: join(ws, 'notes.md'), data: dataDir() });
  assert.deepEqual(await run('tour.read'), { lines: 3, first: '# Notes' });
  assert.deepEqual(await run('tour.list'), ['notes.md', 'todo.txt']);
  assert.deepEqual(await run('tour.stat'), { type: 'file', size: 17 });
  assert.deepEqual(await run('tour.stat', ['gone.md']), { type: 'missing' });
});

test(`[${runAs}] fs.write: text and bytes into the extension's own folder`, async () => {
  const state = (await run('tour.write')) as { at: number };
  assert.equal(typeof state.at, 'number');
  assert.deepEqual([...readFileSync(join(dataDir(), 'logo.bin'))], [0x89, 0x50, 0x4e, 0x47]);
});

test(`[${runAs}] net.fetch through the host, to the one host the manifest grants`, async () => {
  assert.deepEqual(await run('tour.fetch'), { status: 200, stars: 4242 });
  assert.deepEqual(fetched, ['https://api.github.com/repos/acme/rocket']);
});

test(`[${runAs}] ipc.publish reaches other subscribers; ipc.subscribe hears them`, async () => {
  const heard: unknown[] = [];
  bus.subscribe('tour.events', { id: 'acme.listener', deliver: (_c, m) => void heard.push(m) });
  assert.equal(await run('tour.publish', ['hi']), 'published');
  assert.equal((heard[0] as { text: string }).text, 'hi');
  bus.publish('tour.events', { text: 'from afar' }, 'acme.listener');
  for (let i = 0; i < 100 && ((await run('tour.received')) as unknown[]).length === 0; i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await run('tour.received'), [{ text: 'from afar' }]);
});

test(`[${runAs}] permissions.request asks, and the granted folder can then be read`, async () => {
  assert.deepEqual(await run('tour.ask'), { granted: true, files: 1 });
  const [asked] = eventsLike(tour.events, { kind: 'permission', op: 'request' });
  assert.equal(asked?.decision, 'allow');
});

test(`[${runAs}] log lines at four levels; a refusal carries the policy's reason`, async () => {
  assert.equal(await run('tour.log'), 'logged');
  assert.deepEqual(
    tour.logs.slice(-4).map((l) => l.level),
    ['debug', 'info', 'warn', 'error'],
  );
  assert.deepEqual(await run('tour.denied'), {
    refused: 'permission denied: no grant covers /etc/shadow',
  });
});

test(`[${runAs}] onShutdown runs before the process exits`, async () => {
  await tour.host.stop();
  assert.ok(existsSync(join(dataDir(), 'stopped.txt')));
});
