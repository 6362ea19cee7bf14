// A started store over a fake host, without rendering: for the store's own tests.
import { createCorralClient } from '../../../app/contract/index.ts';
import { connectStore, createCorralStore } from '../../../renderer/src/store/store.ts';
import { FakeCorralHost, type FakeHostOptions } from '../../support/fake-corral-host.ts';
import { fakeConnection } from './render-app.tsx';

/** Lets every pending promise and zero-delay timer run (with real timers). */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A store connected to a new fake host, with its first session read. */
export async function startedStore(options: FakeHostOptions & { host?: FakeCorralHost } = {}) {
  const host = options.host ?? new FakeCorralHost(options);
  const { connection, setStatus } = fakeConnection(host);
  const client = createCorralClient(connection.transport, (event, issue) => {
    throw new Error(`the fake host sent a bad ${event}: ${issue}`);
  });
  const store = createCorralStore(client);
  connectStore(store, client, connection);
  for (let i = 0; i < 5; i++) await settle();
  return { host, store, setStatus };
}

/** The methods the host was asked, in order, optionally only those named `method`. */
export function callsOf(host: FakeCorralHost, method?: string) {
  return host.calls.filter((c) => method === undefined || c.method === method);
}
