// Renders the whole renderer against a fake host, as one window would see it: a fresh store per
// test, the typed client over a transport into the fake host, and user-event for input.
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createCorralClient } from '../../../app/contract/index.ts';
import { App } from '../../../renderer/src/components/shell/App.tsx';
import { StoreProvider } from '../../../renderer/src/store/store-context.tsx';
import { connectStore, createCorralStore } from '../../../renderer/src/store/store.ts';
import type {
  ConnectionStatus,
  HostConnection,
} from '../../../renderer/src/transport/host-connection.ts';
import {
  FakeCorralHost,
  fakeHostTransport,
  type FakeHostOptions,
} from '../../support/fake-corral-host.ts';

/** A connection straight into the fake host, whose status the test can change. */
export function fakeConnection(host: FakeCorralHost) {
  let status: ConnectionStatus = { state: 'open', attempts: 0 };
  const listeners = new Set<(s: ConnectionStatus) => void>();
  const connection: HostConnection = {
    transport: fakeHostTransport(host),
    status: () => status,
    onStatus: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {},
  };
  const setStatus = (next: ConnectionStatus) => {
    status = next;
    listeners.forEach((l) => l(next));
  };
  return { connection, setStatus };
}

export interface RenderAppOptions extends FakeHostOptions {
  route?: string;
  host?: FakeCorralHost;
}

/** The app over a fake host, started, at `route`. */
export function renderApp(options: RenderAppOptions = {}) {
  const host = options.host ?? new FakeCorralHost(options);
  const { connection, setStatus } = fakeConnection(host);
  const client = createCorralClient(connection.transport, (event, issue) => {
    throw new Error(`the fake host sent a bad ${event}: ${issue}`);
  });
  const store = createCorralStore(client);
  window.location.hash = options.route ?? '#/extensions';
  connectStore(store, client, connection);
  const user = userEvent.setup();
  const view = render(
    <StoreProvider store={store}>
      <App />
    </StoreProvider>,
  );
  return { host, store, user, setStatus, ...view };
}
