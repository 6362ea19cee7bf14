// What the preload exposes as window.corral, fixed by a snapshot: one function per contract method
// grouped by domain, one subscribe function per event, nothing else (no ipcRenderer, no generic
// invoke). Checked on the bridge itself and on the built bundle that Electron loads.
// After an intended contract change: CORRAL_UPDATE_SNAPSHOTS=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { EVENT_NAMES, METHOD_NAMES } from '../../../app/contract/index.ts';
import { buildBridge, type IpcRendererLike } from '../../../preload/bridge.ts';

const snapshotFile = new URL('./preload-surface.snapshot.json', import.meta.url);
const bundle = new URL('../../../dist/electron/preload.cjs', import.meta.url);

/** The shape of an exposed object: every key, and whether it is a function or a group. */
function surface(value: unknown): unknown {
  if (typeof value === 'function') return 'function';
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, surface((value as Record<string, unknown>)[k])]),
  );
}

function fakeIpc() {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>();
  const ipc: IpcRendererLike = {
    invoke: async (...args) => {
      invoked.push(args);
      return { ok: true, value: null };
    },
    on: (channel, listener) =>
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]),
    removeListener: (channel, listener) =>
      listeners.set(
        channel,
        (listeners.get(channel) ?? []).filter((l) => l !== listener),
      ),
  };
  const emit = (channel: string, payload: unknown) =>
    (listeners.get(channel) ?? []).forEach((l) => l({ sender: ipc, senderId: 0 }, payload));
  return { ipc, invoked, listeners, emit };
}

const names = { methods: METHOD_NAMES, events: EVENT_NAMES };

test('the exposed surface matches its snapshot', () => {
  const now = JSON.stringify(surface(buildBridge(fakeIpc().ipc, names)), null, 2) + '\n';
  if (process.env.CORRAL_UPDATE_SNAPSHOTS === '1') writeFileSync(snapshotFile, now);
  assert.equal(
    now,
    readFileSync(snapshotFile, 'utf8'),
    'run with CORRAL_UPDATE_SNAPSHOTS=1 after an intended change',
  );
});

test('each method function invokes its own channel with its one argument, and only that', async () => {
  const fake = fakeIpc();
  const bridge = buildBridge(fake.ipc, names) as unknown as Record<
    string,
    Record<string, (...args: unknown[]) => Promise<unknown>>
  >;
  for (const method of METHOD_NAMES) {
    const [domain, verb] = method.split('.') as [string, string];
    await bridge[domain]![verb]!({ probe: method }, 'ignored extra');
  }
  assert.deepEqual(
    fake.invoked,
    METHOD_NAMES.map((m) => [m, { probe: m }]),
  );
});

test('the top level holds the domains and the events, and no way to name a channel', () => {
  const bridge = buildBridge(fakeIpc().ipc, names) as unknown as Record<string, unknown>;
  const domains = [...new Set(METHOD_NAMES.map((m) => m.split('.')[0]!))];
  assert.deepEqual(Object.keys(bridge).sort(), [...domains, ...EVENT_NAMES].sort());
  for (const forbidden of ['invoke', 'send', 'on', 'ipcRenderer', 'sendSync', 'postMessage']) {
    assert.ok(!(forbidden in bridge), forbidden);
  }
});

test('a subscriber gets the payload alone, and unsubscribing removes exactly it', () => {
  const fake = fakeIpc();
  const bridge = buildBridge(fake.ipc, names);
  const seen: unknown[][] = [];
  const stop = bridge.onPrompt((...args: unknown[]) => seen.push(args));
  const other = bridge.onPrompt(() => {});
  fake.emit('onPrompt', { id: 'p1' });
  assert.deepEqual(
    seen,
    [[{ id: 'p1' }]],
    'never the IpcRendererEvent (its sender is ipcRenderer)',
  );
  stop();
  fake.emit('onPrompt', { id: 'p2' });
  assert.equal(seen.length, 1);
  assert.equal(fake.listeners.get('onPrompt')?.length, 1, 'the other subscriber stays');
  other();
  assert.throws(() => bridge.onAlert('not a function' as never), /needs a listener function/);
});

test('the built preload exposes exactly this surface, as "corral", requiring only electron', () => {
  assert.ok(existsSync(bundle), 'dist/electron/preload.cjs is missing: run npm run build');
  const code = readFileSync(bundle, 'utf8');
  const exposed: [string, unknown][] = [];
  const required: string[] = [];
  const fake = fakeIpc();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
    ipcRenderer: fake.ipc,
  };
  runInNewContext(code, {
    require: (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`the preload requires ${name}`);
      return electron;
    },
    module: { exports: {} },
    exports: {},
  });
  assert.deepEqual(required, ['electron']);
  assert.equal(exposed.length, 1);
  assert.equal(exposed[0]![0], 'corral');
  assert.deepEqual(surface(exposed[0]![1]), surface(buildBridge(fakeIpc().ipc, names)));
});
