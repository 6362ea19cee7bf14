// Time spent waiting for the user stops an extension's call timers (issue 13): a timer fires after
// its running time, the time questions were open left out; with no question it is a plain timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserWait } from '../../../app/runtime/user-wait.ts';
import type {
  PermissionPrompt,
  PromptAnswer,
  PromptService,
} from '../../../app/runtime/prompts.ts';

const prompt: PermissionPrompt = {
  ext: 'acme.x',
  extName: 'X',
  question: 'q',
  target: '/x',
  grants: ['fs[0]'],
  always: 'this-run',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A service that answers each question after `ms`. */
function slow(ms: number, answer: PromptAnswer = 'allow-once'): PromptService {
  return { ask: () => sleep(ms).then(() => answer) };
}

/** When a timer of `ms` fires, in ms after it started. */
function firesAfter(wait: UserWait, ms: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => wait.timer(ms, () => resolve(performance.now() - started)));
}

test('with no question open a timer fires on time (the control)', async () => {
  const wait = new UserWait();
  const after = await firesAfter(wait, 100);
  assert.ok(after >= 95 && after < 180, `${after}`);
});

test('a question open for 300 ms moves a 100 ms timer to about 400 ms', async () => {
  const wait = new UserWait();
  const fired = firesAfter(wait, 100);
  await sleep(20);
  const asked = wait.wrap(slow(300)).ask(prompt, new AbortController().signal);
  assert.equal(wait.waiting, true);
  assert.equal(await asked, 'allow-once');
  assert.equal(wait.waiting, false);
  const after = await fired;
  assert.ok(after >= 390 && after < 520, `${after}`);
});

test('overlapping questions pause once; a timer started during a question waits for its end', async () => {
  const wait = new UserWait();
  const service = wait.wrap(slow(200));
  const first = service.ask(prompt, new AbortController().signal);
  await sleep(50);
  const second = service.ask(prompt, new AbortController().signal);
  const fired = firesAfter(wait, 50); // starts while both are open
  await first;
  assert.equal(wait.waiting, true, 'the second one still waits');
  await second;
  const after = await fired;
  assert.ok(after >= 240 && after < 360, `${after}`);
});

test('a question given up (its signal aborts) ends the pause even if the service never settles', async () => {
  const wait = new UserWait();
  const hung: PromptService = { ask: () => new Promise(() => {}) };
  const controller = new AbortController();
  void wait.wrap(hung).ask(prompt, controller.signal);
  assert.equal(wait.waiting, true);
  controller.abort();
  assert.equal(wait.waiting, false);
  const failing: PromptService = {
    ask: () => {
      throw new Error('no window');
    },
  };
  await assert.rejects(wait.wrap(failing).ask(prompt, new AbortController().signal), /no window/);
  assert.equal(wait.waiting, false);
});

test('a cancelled timer never fires', async () => {
  const wait = new UserWait();
  let fired = false;
  wait.timer(30, () => (fired = true)).cancel();
  await sleep(80);
  assert.equal(fired, false);
});
