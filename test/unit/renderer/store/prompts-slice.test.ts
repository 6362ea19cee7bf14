// Permission questions in the store: coalesced updates replace in place, a question closed
// elsewhere keeps its reason until dismissed, one answered here goes at once, a late update cannot
// bring a closed one back, and the countdown is held once.
import { expect, test } from 'vitest';
import { callsOf, settle, startedStore } from '../test-store.ts';

test('an update to a question replaces it in place (coalesced requests, stopped countdown)', async () => {
  const { store, host } = await startedStore();
  const first = host.ask();
  host.ask({ question: 'Git Helper wants to run /usr/bin/git.', ext: 'devtools.git-helper' });
  await settle();
  host.emit('onPrompt', { ...first, waiting: 3, deadline: null });
  await settle();
  const prompts = store.getState().prompts;
  expect(prompts.map((p) => p.id)).toEqual([first.id, host.prompts[1]!.id]);
  expect(prompts[0]).toMatchObject({ waiting: 3, deadline: null });
});

test('a question answered in another window stays with the reason until dismissed', async () => {
  const { store, host } = await startedStore();
  const prompt = host.ask();
  await settle();
  host.closePrompt(prompt.id, 'answered', 'Answered in another window: Allow once', 'allow-once');
  await settle();
  expect(store.getState().promptClosures[prompt.id]?.message).toBe(
    'Answered in another window: Allow once',
  );
  expect(store.getState().prompts).toHaveLength(1);
  store.getState().dismissPrompt(prompt.id);
  expect(store.getState().prompts).toHaveLength(0);
  expect(store.getState().promptClosures).toEqual({});
});

test('a question answered here goes at once, without a reason shown', async () => {
  const { store, host } = await startedStore();
  const prompt = host.ask();
  await settle();
  expect(await store.getState().answerPrompt(prompt.id, 'deny')).toBeNull();
  await settle();
  expect(callsOf(host, 'prompts.answer').map((c) => c.input)).toEqual([
    { id: prompt.id, answer: 'deny' },
  ]);
  expect(store.getState().prompts).toHaveLength(0);
  expect(store.getState().promptClosures).toEqual({});
});

test('an update that arrives after the close does not bring the question back', async () => {
  const { store, host } = await startedStore();
  const prompt = host.ask();
  await settle();
  host.closePrompt(prompt.id, 'extension-stopped', 'The extension stopped.');
  await settle();
  store.getState().dismissPrompt(prompt.id);
  host.emit('onPrompt', { ...prompt, waiting: 2 });
  await settle();
  expect(store.getState().prompts).toHaveLength(0);
});

test('the countdown is held once, and not when it has already stopped', async () => {
  const { store, host } = await startedStore();
  const prompt = host.ask();
  await settle();
  await store.getState().holdPrompt(prompt.id);
  await settle();
  await store.getState().holdPrompt(prompt.id);
  expect(callsOf(host, 'prompts.hold')).toHaveLength(1);
  expect(store.getState().prompts[0]!.deadline).toBeNull();
  const other = host.ask({ deadline: null });
  await settle();
  await store.getState().holdPrompt(other.id);
  expect(callsOf(host, 'prompts.hold')).toHaveLength(1);
});

test('a question that ended while this window was away is shown as ended after the reconnect', async () => {
  const { store, host, setStatus } = await startedStore();
  const prompt = host.ask();
  await settle();
  setStatus({ state: 'reconnecting', attempts: 1 });
  host.prompts = [];
  setStatus({ state: 'open', attempts: 0 });
  for (let i = 0; i < 4; i++) await settle();
  expect(store.getState().promptClosures[prompt.id]?.message).toMatch(
    /while this window was disconnected/,
  );
});

test('a failed answer says why and keeps the question', async () => {
  const { store, host } = await startedStore();
  const prompt = host.ask();
  await settle();
  host.failNext('prompts.answer', {
    code: 'internal',
    message: 'The host could not record the answer; try again.',
  });
  expect(await store.getState().answerPrompt(prompt.id, 'allow-once')).toBe(
    'The host could not record the answer; try again.',
  );
  expect(store.getState().prompts).toHaveLength(1);
});
