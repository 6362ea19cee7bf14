// The IPC table: one handler per contract method; each refuses a foreign sender and bad input
// before the host hears of it, and passes the parsed input on; events go to our window only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METHOD_NAMES, type MethodName } from '../../../app/contract/index.ts';
import type { HostService, UiSession } from '../../../app/service/host-service.ts';
import {
  registerContractHandlers,
  windowEventSink,
  type ContractHandler,
  type IpcTableOptions,
} from '../../../main/ipc-table.ts';
import type { FrameLike, IpcEventLike, WindowLike } from '../../../main/sender-check.ts';

const mainFrame: FrameLike = {
  url: 'app://corral/index.html',
  parent: null,
  processId: 5,
  routingId: 1,
};
const window: WindowLike = { isDestroyed: () => false, webContents: { id: 2, mainFrame } };
const trusted: IpcEventLike = { sender: { id: 2 }, senderFrame: mainFrame };
const foreign: IpcEventLike = {
  sender: { id: 2 },
  senderFrame: { ...mainFrame, url: 'https://evil.example/' },
};
const session: UiSession = { id: 's1', shell: 'electron', label: 'desktop window' };

function setUp(answer: HostService['call'] = async () => ({ ok: true, value: 'from host' })) {
  const handlers = new Map<string, ContractHandler>();
  const calls: { method: string; input: unknown; session: UiSession }[] = [];
  const refusals: [MethodName, string][] = [];
  const faults: MethodName[] = [];
  const options: IpcTableOptions = {
    host: {
      call: async (s, method, input) => {
        calls.push({ method, input, session: s });
        return answer(s, method, input);
      },
    },
    session,
    window: () => window,
    onRefused: (method, reason) => refusals.push([method, reason]),
    onFault: (method) => faults.push(method),
  };
  const registered = registerContractHandlers(
    {
      handle: (channel, listener) => {
        assert.ok(!handlers.has(channel), `${channel} registered twice`);
        handlers.set(channel, listener);
      },
    },
    options,
  );
  const call = (method: string, event: IpcEventLike, ...args: unknown[]) =>
    handlers.get(method)!(event, ...args);
  return { handlers, registered, calls, refusals, faults, call };
}

test('one handler per contract method, on a channel named like it, and nothing else', () => {
  const { handlers, registered } = setUp();
  assert.deepEqual([...handlers.keys()].sort(), [...METHOD_NAMES].sort());
  assert.deepEqual(registered.sort(), [...METHOD_NAMES].sort());
});

test('a trusted call reaches the host with the parsed input (defaults filled in)', async () => {
  const t = setUp();
  assert.deepEqual(await t.call('audit.query', trusted, { ext: 'acme.notes' }), {
    ok: true,
    value: 'from host',
  });
  assert.deepEqual(t.calls, [
    { method: 'audit.query', input: { ext: 'acme.notes', limit: 500 }, session },
  ]);
  assert.deepEqual(t.refusals, []);
});

test('every method refuses a foreign sender before the host hears of it', async () => {
  const t = setUp();
  for (const method of METHOD_NAMES) {
    const result = await t.call(method, foreign, {});
    assert.equal(result.ok, false, method);
    assert.equal(!result.ok && result.error.code, 'refused', method);
  }
  assert.deepEqual(t.calls, []);
  assert.equal(t.refusals.length, METHOD_NAMES.length);
  assert.match(t.refusals[0]![1], /app:\/\/ page/);
});

test('input that does not fit the schema is refused with one line naming the field', async () => {
  const t = setUp();
  const bad = await t.call('extensions.get', trusted, { id: '../../etc' });
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.error.code, 'invalid-input');
  assert.match(!bad.ok ? bad.error.message : '', /^extensions\.get: id: /);
  assert.doesNotMatch(!bad.ok ? bad.error.message : '', /\n/);
  const extra = await t.call('extensions.list', trusted, { sneaky: true });
  assert.equal(!extra.ok && extra.error.code, 'invalid-input', 'unknown keys are refused');
  const missing = await t.call('extensions.list', trusted);
  assert.equal(!missing.ok && missing.error.code, 'invalid-input', 'no argument');
  const two = await t.call('extensions.list', trusted, {}, {});
  assert.match(!two.ok ? two.error.message : '', /takes one argument, not 2/);
  assert.equal(t.calls.length, 0, 'the host heard none of them');
  // The positive control: the same methods with good input reach the host.
  await t.call('extensions.get', trusted, { id: 'acme.notes' });
  await t.call('extensions.list', trusted, {});
  assert.deepEqual(
    t.calls.map((c) => c.method),
    ['extensions.get', 'extensions.list'],
  );
});

test('a host that throws becomes an internal error, never a rejected invoke', async () => {
  const t = setUp(async () => {
    throw new Error('boom at /home/user/secret');
  });
  const result = await t.call('extensions.list', trusted, {});
  assert.equal(!result.ok && result.error.code, 'internal');
  assert.doesNotMatch(!result.ok ? result.error.message : '', /secret/);
  assert.deepEqual(t.faults, ['extensions.list']);
});

test('events go to our window while it shows our page, and are observed either way', () => {
  const sent: [string, unknown][] = [];
  const observed: string[] = [];
  let url = 'app://corral/index.html';
  let destroyed = false;
  let present = true;
  const target = {
    isDestroyed: () => destroyed,
    webContents: { getURL: () => url, send: (c: string, p: unknown) => sent.push([c, p]) },
  };
  const sink = windowEventSink(
    () => (present ? target : null),
    (name) => observed.push(name),
  );
  const closed = {
    id: 'p1234567',
    ext: 'acme.notes',
    why: 'answered' as const,
    message: 'Answered in another window',
  };
  sink('onPromptClosed', closed);
  assert.deepEqual(sent, [['onPromptClosed', closed]]);
  url = 'https://evil.example/';
  sink('onPromptClosed', closed);
  destroyed = true;
  url = 'app://corral/index.html';
  sink('onPromptClosed', closed);
  destroyed = false;
  present = false;
  sink('onPromptClosed', closed);
  assert.equal(sent.length, 1, 'nothing is sent to another page, a closed window or none');
  assert.equal(observed.length, 4, 'main observes every event (badge, notifications)');
});
