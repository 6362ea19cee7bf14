// The permission prompt: an alertdialog named by its question above any view, answers that are
// inert for a second after it appears or the window returns, a countdown to Deny from the host's
// deadline that stops on any interaction, and a close that says why when it ended elsewhere.
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { renderApp } from './render-app.tsx';
import { callsOf } from './test-store.ts';

const QUESTION = 'Notes Sync wants to read files in your Downloads folder.';

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
});
afterEach(() => vi.useRealTimers());

/**
 * A press as a pointer makes it: pointerdown, then click. (user-event waits on timers of its own,
 * which these fake timers would hold forever.)
 */
async function press(element: HTMLElement) {
  fireEvent.pointerDown(element);
  fireEvent.click(element);
  await pass();
}

/** Lets the app run for `ms` of fake time, promises included. */
async function pass(ms = 0) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

async function withPrompt(route = '#/dashboard') {
  const app = renderApp({ route });
  await pass();
  // The view is on screen first (all but Extensions are scripts of their own, read on demand).
  await vi.waitFor(() => screen.getByRole('heading', { level: 1 }));
  const prompt = app.host.ask();
  await pass();
  return { ...app, prompt, dialog: screen.getByRole('alertdialog', { name: QUESTION }) };
}

test('the question names the dialog, over the current view, with what it reaches and what "always" records', async () => {
  const { dialog } = await withPrompt();
  expect(screen.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeTruthy();
  expect(within(dialog).getByText('/home/alex/Downloads/receipts-2026.pdf')).toBeTruthy();
  expect(within(dialog).getByText('read ${downloads}')).toBeTruthy();
  expect(within(dialog).getByText('Medium risk')).toBeTruthy();
  for (const name of ['Allow once', 'Allow always', 'Deny', 'Deny always'])
    expect(within(dialog).getByRole('button', { name })).toBeTruthy();
  // Focus is on the dialog, not on an answer a stray Enter could press.
  expect(document.activeElement).toBe(dialog);
});

test('the answers ignore input for the first second, and say why', async () => {
  const { dialog, host, prompt } = await withPrompt();
  const allow = within(dialog).getByRole('button', { name: 'Allow once' });
  expect(allow.getAttribute('aria-disabled')).toBe('true');
  expect(within(dialog).getByText(/The answers wake up in a second/)).toBeTruthy();
  await press(allow);
  expect(callsOf(host, 'prompts.answer')).toHaveLength(0);

  await pass(1000);
  expect(allow.getAttribute('aria-disabled')).toBe('false');
  expect(within(dialog).queryByText(/The answers wake up in a second/)).toBeNull();
  await press(allow);
  expect(callsOf(host, 'prompts.answer').map((c) => c.input)).toEqual([
    { id: prompt.id, answer: 'allow-once' },
  ]);
  // Answered here: it closes at once, with no "answered elsewhere" note.
  expect(screen.queryByRole('alertdialog')).toBeNull();
});

test('when the window comes back the answers are inert again for a second', async () => {
  const { dialog, host } = await withPrompt();
  await pass(1200);
  act(() => {
    window.dispatchEvent(new Event('focus'));
  });
  const deny = within(dialog).getByRole('button', { name: 'Deny' });
  expect(deny.getAttribute('aria-disabled')).toBe('true');
  expect(within(dialog).getByText(/The window just came back/)).toBeTruthy();
  await press(deny);
  expect(callsOf(host, 'prompts.answer')).toHaveLength(0);
  await pass(1000);
  await press(deny);
  expect(
    callsOf(host, 'prompts.answer').map((c) => (c.input as { answer: string }).answer),
  ).toEqual(['deny']);
});

test('the countdown runs from the deadline and stops when the user touches the prompt', async () => {
  const { dialog, host } = await withPrompt();
  expect(within(dialog).getByText('Denied in 60 s if you do not answer.')).toBeTruthy();
  await pass(10_000);
  expect(within(dialog).getByText('Denied in 50 s if you do not answer.')).toBeTruthy();
  expect(callsOf(host, 'prompts.hold')).toHaveLength(0);
  act(() => {
    dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', bubbles: true }));
  });
  await pass();
  expect(callsOf(host, 'prompts.hold')).toHaveLength(1);
  expect(within(dialog).getByText('Countdown stopped: it waits for your answer.')).toBeTruthy();
});

test('a question answered in another window says so, then closes', async () => {
  const { dialog, host, prompt } = await withPrompt();
  act(() =>
    host.closePrompt(prompt.id, 'answered', 'Answered in another window: Allow once', 'allow-once'),
  );
  await pass();
  expect(within(dialog).getByRole('status').textContent).toBe(
    'Answered in another window: Allow once',
  );
  expect(within(dialog).queryByRole('button', { name: 'Allow once' })).toBeNull();
  await pass(4000);
  expect(screen.queryByRole('alertdialog')).toBeNull();
});

test('a question whose extension stopped says so', async () => {
  const { dialog, host, prompt } = await withPrompt();
  act(() =>
    host.closePrompt(prompt.id, 'extension-stopped', 'The extension stopped: nothing to answer.'),
  );
  await pass();
  expect(within(dialog).getByText('The extension stopped: nothing to answer.')).toBeTruthy();
});

test('coalesced requests show their count, and questions wait in a queue', async () => {
  const { dialog, host, prompt } = await withPrompt();
  act(() => host.emit('onPrompt', { ...prompt, waiting: 3 }));
  const second = host.ask({
    question: 'Git Helper wants to run /usr/bin/git.',
    ext: 'devtools.git-helper',
    extName: 'Git Helper',
  });
  await pass();
  expect(within(dialog).getByText('3 identical requests wait for this answer.')).toBeTruthy();
  expect(within(dialog).getByText(/1 of 2/)).toBeTruthy();
  await pass(1000);
  await press(within(dialog).getByRole('button', { name: 'Deny always' }));
  const next = screen.getByRole('alertdialog', { name: second.question });
  // The next question starts inert again.
  expect(
    within(next).getByRole('button', { name: 'Allow once' }).getAttribute('aria-disabled'),
  ).toBe('true');
});

test('Escape does not answer or close a question', async () => {
  const { dialog, host } = await withPrompt();
  await pass(1000);
  fireEvent.keyDown(dialog, { key: 'Escape' });
  await pass();
  expect(screen.getByRole('alertdialog', { name: QUESTION })).toBe(dialog);
  expect(callsOf(host, 'prompts.answer')).toHaveLength(0);
});

test('the host refusing an answer shows its sentence in the dialog', async () => {
  const { dialog, host } = await withPrompt();
  await pass(1000);
  host.failNext('prompts.answer', {
    code: 'internal',
    message: 'The host could not record the answer; try again.',
  });
  await press(within(dialog).getByRole('button', { name: 'Allow always' }));
  expect(within(dialog).getByRole('alert').textContent).toBe(
    'The host could not record the answer; try again.',
  );
});
