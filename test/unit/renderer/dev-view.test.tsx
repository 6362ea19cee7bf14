// Debug: a session started from the form shows what differs from production; its terminal takes
// keys and lines (sent with dev.input) and shows what the host sends as text, never as markup;
// its log marks what only debug mode allowed and what was denied; a question is answered; the
// session stops.
import { screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { renderApp } from './render-app.tsx';
import { callsOf } from './test-store.ts';

async function startSession() {
  const app = renderApp({ route: '#/debug' });
  const form = await screen.findByRole('form', { name: 'Start a debug session' });
  await app.user.type(
    within(form).getByRole('textbox', { name: /Extension folder/ }),
    '/src/notes',
  );
  await app.user.selectOptions(within(form).getByRole('combobox', { name: 'Network' }), 'log');
  await app.user.click(within(form).getByRole('button', { name: 'Start session' }));
  const panel = await screen.findByRole('region', { name: 'Notes' });
  const id = [...app.host.devSessions.keys()][0]!;
  return { ...app, panel, id };
}

test('the Debug link opens the view; a session starts with what was chosen', async () => {
  const { host, panel } = await startSession();
  expect(screen.getByRole('link', { name: 'Debug' }).getAttribute('aria-current')).toBe('page');
  expect(callsOf(host, 'dev.start').map((c) => c.input)).toEqual([
    { dir: '/src/notes', net: 'log', learn: false },
  ]);
  expect(within(panel).getByText(/ready/)).toBeTruthy();
  expect(within(panel).getByText(/runs on a pseudo-terminal of this session/)).toBeTruthy();
});

test('keys typed in the terminal and a whole line both reach the session', async () => {
  const { host, user, panel, id } = await startSession();
  const terminal = within(panel).getByRole('log', { name: 'Terminal of Notes' });
  terminal.focus();
  await user.keyboard('hi{Enter}');
  expect(host.devTyped).toEqual(['h', 'i', '\r']);
  await expect.poll(() => terminal.textContent).toContain('hi');
  const line = within(panel).getByRole('form', { name: 'Type a line into Notes' });
  await user.type(within(line).getByRole('textbox', { name: 'Line' }), 'ls -l');
  await user.click(within(line).getByRole('button', { name: 'Send' }));
  expect(host.devTyped.at(-1)).toBe('ls -l\r');
  expect(
    callsOf(host, 'dev.input').every((c) => (c.input as { session: string }).session === id),
  ).toBe(true);
});

test('what the terminal prints is text: colours dropped, markup shown as it is', async () => {
  const { host, panel, id } = await startSession();
  host.emit('onDevOutput', {
    session: id,
    data: '\x1b[32mgreen\x1b[0m <img src=x onerror=alert(1)>\r\nnext\u202Eline',
  });
  const terminal = within(panel).getByRole('log', { name: 'Terminal of Notes' });
  await expect.poll(() => terminal.textContent).toContain('green <img src=x onerror=alert(1)>');
  expect(terminal.querySelector('img')).toBeNull();
  expect(terminal.textContent).not.toContain('\x1b');
  // A bidi override is shown as a mark, as everywhere an extension's text appears.
  expect(terminal.textContent).toContain('next⟨RLO⟩line');
});

test('the log marks what only debug mode allowed; a question is answered; Stop ends it', async () => {
  const { host, user, panel, id } = await startSession();
  host.emit('onDevLog', {
    session: id,
    lines: [
      {
        ts: '2026-12-07T04:00:00Z',
        kind: 'access',
        text: 'broker net fetch a.example:443: allow',
        debug: true,
        level: 'allow',
      },
      {
        ts: '2026-12-07T04:00:01Z',
        kind: 'access',
        text: 'broker fs read /x: allow',
        debug: false,
        level: 'allow',
      },
      {
        ts: '2026-12-07T04:00:02Z',
        kind: 'access',
        text: 'broker fs read /etc/shadow: deny',
        debug: false,
        level: 'deny',
      },
    ],
  });
  const log = within(panel).getByRole('log', { name: 'Session log of Notes' });
  await expect.poll(() => within(log).queryAllByRole('listitem').length).toBe(3);
  const [flagged, plain, denied] = within(log).getAllByRole('listitem');
  expect(flagged!.textContent).toMatch(/Debug only: broker net fetch/);
  expect(plain!.textContent).not.toMatch(/Debug only|Denied/);
  expect(denied!.textContent).toMatch(/Denied: broker fs read \/etc\/shadow/);
  expect(flagged!.textContent).not.toMatch(/Denied/);

  host.emit('onDevQuestion', {
    session: id,
    question: {
      session: id,
      id: 'q1234567',
      question: 'Notes wants to read ${downloads}.',
      target: '/d',
    },
  });
  const asks = await within(panel).findByRole('group', { name: 'The extension asks' });
  await user.click(within(asks).getByRole('button', { name: 'Allow once' }));
  expect(callsOf(host, 'dev.answer').map((c) => c.input)).toEqual([
    { session: id, id: 'q1234567', answer: 'allow-once' },
  ]);
  host.emit('onDevQuestion', { session: id, question: null });
  await expect
    .poll(() => within(panel).queryByRole('group', { name: 'The extension asks' }))
    .toBeNull();

  await user.click(within(panel).getByRole('button', { name: 'Stop session' }));
  await expect.poll(() => screen.queryByRole('region', { name: 'Notes' })).toBeNull();
});

test('a refusal from the host is shown where the user acted', async () => {
  const { host, user } = renderApp({ route: '#/debug' });
  host.failNext('dev.start', {
    code: 'refused',
    message: 'dir: /nope is not a folder; fix: give an existing folder',
  });
  const form = await screen.findByRole('form', { name: 'Start a debug session' });
  await user.type(within(form).getByRole('textbox', { name: /Extension folder/ }), '/nope');
  await user.click(within(form).getByRole('button', { name: 'Start session' }));
  expect((await within(form).findByRole('alert')).textContent).toBe(
    'dir: /nope is not a folder; fix: give an existing folder',
  );
});
