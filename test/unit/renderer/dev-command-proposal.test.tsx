// Debug: a command the manifest declares is run with JSON arguments checked before they leave (a
// bad one never reaches the host), its result or refusal shown under the form; a learning run's
// proposal is reviewed as text (diff, findings, notes) and written only on Accept, by keyboard,
// for exactly the proposal shown.
import { screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { renderApp } from './render-app.tsx';
import { callsOf } from './test-store.ts';

async function startSession({ learn = false } = {}) {
  const app = renderApp({ route: '#/debug' });
  const form = await screen.findByRole('form', { name: 'Start a debug session' });
  await app.user.type(
    within(form).getByRole('textbox', { name: /Extension folder/ }),
    '/src/notes',
  );
  if (learn) await app.user.click(within(form).getByRole('checkbox', { name: /Learning run/ }));
  await app.user.click(within(form).getByRole('button', { name: 'Start session' }));
  const panel = await screen.findByRole('region', { name: 'Notes' });
  const id = [...app.host.devSessions.keys()][0]!;
  return { ...app, panel, id };
}

test('a command runs with the arguments typed; bad JSON is refused before it leaves', async () => {
  const { host, user, panel, id } = await startSession();
  const form = within(panel).getByRole('form', { name: 'Run a command of Notes' });
  const args = within(form).getByRole('textbox', { name: /Arguments/ });

  // user-event reads '[[' as a typed '[' and '{{' as a typed '{'.
  await user.type(args, '[["unclosed');
  await user.click(within(form).getByRole('button', { name: 'Run' }));
  expect(within(form).getByRole('alert').textContent).toBe(
    'The arguments are not JSON: write a JSON array, such as ["notes.md", 3].',
  );
  await user.clear(args);
  await user.type(args, '{{"a": 1}');
  await user.click(within(form).getByRole('button', { name: 'Run' }));
  expect(within(form).getByRole('alert').textContent).toMatch(/must be a JSON array/);
  expect(callsOf(host, 'dev.run')).toEqual([]);

  await user.selectOptions(
    within(form).getByRole('combobox', { name: 'Command' }),
    'Add a note (notes.add)',
  );
  await user.clear(args);
  await user.type(args, '[["todo.md", 3]');
  await user.keyboard('{Enter}');
  const result = await within(form).findByRole('region', { name: 'Result of notes.add' });
  expect(callsOf(host, 'dev.run').map((c) => c.input)).toEqual([
    { session: id, command: 'notes.add', args: ['todo.md', 3] },
  ]);
  expect(result.textContent).toMatch(/"ran": "notes.add"/);
  expect(within(form).queryByRole('alert')).toBeNull();
});

test("the host's refusal is shown where the command was run; a command's title is text", async () => {
  const { host, user, panel, id } = await startSession();
  host.failNext('dev.run', {
    code: 'extension-failed',
    message: 'mischief.readFile: permission denied: no grant covers /etc/shadow',
  });
  const form = within(panel).getByRole('form', { name: 'Run a command of Notes' });
  await user.click(within(form).getByRole('button', { name: 'Run' }));
  expect((await within(form).findByRole('alert')).textContent).toBe(
    'mischief.readFile: permission denied: no grant covers /etc/shadow',
  );
  expect(within(form).queryByRole('region', { name: /^Result of/ })).toBeNull();

  // A reload changed the manifest: the form offers what it declares now, hidden marks shown.
  host.emit('onDevState', {
    ...host.devSessions.get(id)!,
    commands: [{ id: 'evil.open', title: 'Open \u202Eexe.txt' }],
  });
  const command = within(form).getByRole('combobox', { name: 'Command' });
  await expect
    .poll(() =>
      within(command)
        .getAllByRole('option')
        .map((o) => o.textContent),
    )
    .toEqual(['Open ⟨RLO⟩exe.txt (evil.open)']);
  await user.click(within(form).getByRole('button', { name: 'Run' }));
  expect(callsOf(host, 'dev.run').at(-1)?.input).toEqual({
    session: id,
    command: 'evil.open',
    args: [],
  });
});

test('only a learning session offers a proposal to review', async () => {
  const { panel } = await startSession();
  expect(within(panel).queryByRole('region', { name: 'Learning run proposal' })).toBeNull();
  expect(within(panel).getByRole('form', { name: 'Run a command of Notes' })).toBeTruthy();
});

test('the proposal is shown as text; Reject writes nothing; Accept writes the one shown', async () => {
  const { host, user, panel, id } = await startSession({ learn: true });
  host.devProposal = {
    ...host.devProposal,
    diff: ['  read ${workspace}', '+ connect <b>api.example.com</b>:443', '- write ${documents}'],
  };
  const review = within(panel).getByRole('region', { name: 'Learning run proposal' });
  within(review).getByRole('button', { name: 'Review proposal' }).focus();
  await user.keyboard('{Enter}');
  const diff = await within(review).findByLabelText('Permissions (+ to add, - to remove)');
  expect(diff.textContent).toContain('+ connect <b>api.example.com</b>:443');
  expect(diff.querySelector('b')).toBeNull();
  expect(
    within(within(review).getByRole('list', { name: 'Linter findings' }))
      .getAllByRole('listitem')
      .map((li) => li.textContent),
  ).toEqual(['warning net-http: api.example.com is reached over HTTPS only']);
  expect(within(review).getByRole('list', { name: 'Notes' }).textContent).toMatch(/\/etc\/shadow/);

  within(review).getByRole('button', { name: 'Reject' }).focus();
  await user.keyboard('{Enter}');
  await expect.poll(() => within(review).queryByLabelText(/^Permissions/)).toBeNull();
  expect(callsOf(host, 'dev.writeProposal')).toEqual([]);
  expect(host.devWritten).toEqual([]);

  await user.click(within(review).getByRole('button', { name: 'Review proposal' }));
  (await within(review).findByRole('button', { name: 'Accept and write' })).focus();
  await user.keyboard('{Enter}');
  expect((await within(review).findByRole('status')).textContent).toBe(
    'Wrote /src/notes/corral.json; the session reloads with it.',
  );
  expect(callsOf(host, 'dev.writeProposal').map((c) => c.input)).toEqual([
    { session: id, id: '0123456789abcdef' },
  ]);
  expect(host.devWritten).toEqual(['0123456789abcdef']);
});

test('a proposal that changed since it was shown is not written', async () => {
  const { host, user, panel } = await startSession({ learn: true });
  const review = within(panel).getByRole('region', { name: 'Learning run proposal' });
  await user.click(within(review).getByRole('button', { name: 'Review proposal' }));
  await within(review).findByRole('button', { name: 'Accept and write' });
  // The extension tried more after the author looked: the run proposes something else now.
  host.devProposal = { ...host.devProposal, id: 'fedcba9876543210' };
  await user.click(within(review).getByRole('button', { name: 'Accept and write' }));
  expect((await within(review).findByRole('alert')).textContent).toMatch(
    /the proposal changed since it was shown/,
  );
  expect(host.devWritten).toEqual([]);
  // Still on screen, so the author can review it again.
  expect(within(review).getByRole('button', { name: 'Review again' })).toBeTruthy();
});
