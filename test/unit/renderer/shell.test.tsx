// The frame around the views: the desktop bridge or the WebSocket chosen at start, a visible
// "Reconnecting…" that gives way to re-read state, and one clear message when the contract
// versions differ.
import { act, screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { CONTRACT_VERSION, type CorralBridge } from '../../../app/contract/index.ts';
import { chooseConnection } from '../../../renderer/src/transport/choose-connection.ts';
import { FakeCorralHost } from '../../support/fake-corral-host.ts';
import { renderApp } from './render-app.tsx';
import { callsOf } from './test-store.ts';

test('with the preload bridge the window calls through it and is connected at once', async () => {
  const host = new FakeCorralHost({ shell: 'electron' });
  const bridge = {
    extensions: { list: (input: unknown) => host.call('extensions.list', input) },
  } as unknown as CorralBridge;
  const sockets: string[] = [];
  const connection = chooseConnection(
    { corral: bridge, location: { protocol: 'app:', host: 'corral' } },
    () => {},
    (url) => {
      sockets.push(url);
      throw new Error('no socket in the desktop window');
    },
  );
  expect(connection.status().state).toBe('open');
  expect(await connection.transport.call('extensions.list', {})).toMatchObject({ ok: true });
  expect(sockets).toEqual([]);
});

test('without a bridge the window opens the WebSocket of its own origin', () => {
  const sockets: string[] = [];
  const connection = chooseConnection(
    { location: { protocol: 'http:', host: '127.0.0.1:51234' } },
    () => {},
    (url) => {
      sockets.push(url);
      return { send() {}, close() {}, onopen: null, onmessage: null, onclose: null, onerror: null };
    },
  );
  expect(sockets).toEqual(['ws://127.0.0.1:51234/ws']);
  expect(connection.status().state).toBe('connecting');
});

test('a lost connection shows Reconnecting…, and the state is read again once it is back', async () => {
  const { host, setStatus } = renderApp();
  await screen.findByRole('navigation', { name: 'Installed extensions' });
  act(() => setStatus({ state: 'reconnecting', attempts: 1 }));
  expect(screen.getByRole('status').textContent).toMatch(/^Reconnecting…/);
  act(() => setStatus({ state: 'reconnecting', attempts: 3 }));
  expect(screen.getByRole('status').textContent).toMatch(/open the new address it printed/);
  // Meanwhile the extension was disabled elsewhere.
  host.find('acme.notes-sync')!.summary.state = 'disabled';
  act(() => setStatus({ state: 'open', attempts: 0 }));
  const list = screen.getByRole('navigation', { name: 'Installed extensions' });
  await expect
    .poll(() =>
      within(within(list).getByRole('link', { name: /Notes Sync/ })).queryByText('Disabled'),
    )
    .toBeTruthy();
  expect(screen.queryByText(/Reconnecting/)).toBeNull();
  expect(callsOf(host, 'session.hello')).toHaveLength(2);
});

test('a host on another contract version gets one clear message instead of the app', async () => {
  renderApp({ contractVersion: CONTRACT_VERSION + 1 });
  const alert = await screen.findByRole('alert');
  expect(alert.textContent).toMatch(
    /^This window speaks version 1 of Corral's UI contract and the host speaks version 2/,
  );
  expect(screen.getByRole('heading', { name: 'Corral cannot open this window' })).toBeTruthy();
  expect(screen.queryByRole('link', { name: 'Extensions' })).toBeNull();
});
