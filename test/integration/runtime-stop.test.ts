// A stop that comes while the extension is starting: the process the start makes is killed once
// it exists, the start says it was stopped, and nothing of the extension runs on afterwards (it
// did: a stop during a start, such as a restart after a crash or a wake, left it running unseen,
// and `corral serve` waited for it after Ctrl-C). The control: a started extension has a process.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  runAs,
  stageRuntime,
  startExtension,
  type RuntimeStage,
} from './fixtures/runtime-harness.ts';

let stage: RuntimeStage;
before(() => (stage = stageRuntime()));
after(() => stage.close());

/** The sandbox helpers running the extension staged in `dir`. */
const helpersOf = (dir: string) =>
  spawnSync('pgrep', ['-f', `corral-sandbox .*${dir}/`], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);

test(`[${runAs}] a stop during the start kills what the start made; the extension stays stopped`, async () => {
  const dir = stage.example('word-count', undefined, 'stopped-while-starting');
  const r = await startExtension(stage, dir, { workspace: stage.dir('ws'), runName: 'stop-start' });
  assert.equal(r.host.state, 'ready');
  assert.notDeepEqual(helpersOf(dir), [], 'the control: a started extension has its sandbox');
  await r.host.stop();
  assert.deepEqual(helpersOf(dir), []);

  const starting = r.host.start().then(
    () => null,
    (e: unknown) => e,
  );
  await r.host.stop();
  const error = await starting;
  assert.match(String(error), /did not start: it was stopped/);
  // Long enough for a process left behind to have answered `initialize` and be ready.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.equal(r.host.state, 'stopped');
  assert.deepEqual(helpersOf(dir), []);
});
