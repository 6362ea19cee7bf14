// The typed client checks what the host sends: a result that does not fit the method's schema and a
// malformed event never reach the UI as data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createCorralClient,
  type ContractTransport,
  type EventName,
} from '../../../app/contract/index.ts';

function fakeTransport(answer: (method: string, input: unknown) => unknown) {
  const listeners = new Map<EventName, ((p: unknown) => void)[]>();
  const calls: [string, unknown][] = [];
  const transport: ContractTransport = {
    call: async (method, input) => {
      calls.push([method, input]);
      return answer(method, input);
    },
    subscribe: (event, listener) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return () =>
        listeners.set(
          event,
          (listeners.get(event) ?? []).filter((l) => l !== listener),
        );
    },
  };
  const emit = (event: EventName, payload: unknown) =>
    (listeners.get(event) ?? []).forEach((l) => l(payload));
  return { transport, calls, emit };
}

test('a well-formed answer arrives typed; the call went out under its contract name', async () => {
  const fake = fakeTransport(() => ({ ok: true, value: [] }));
  const client = createCorralClient(fake.transport);
  const result = await client.extensions.list({});
  assert.deepEqual(result, { ok: true, value: [] });
  assert.deepEqual(fake.calls, [['extensions.list', {}]]);
});

test('an answer that does not fit the contract becomes an internal error, not data', async () => {
  const fake = fakeTransport(() => ({ ok: true, value: [{ id: 'not an id' }] }));
  const result = await createCorralClient(fake.transport).extensions.list({});
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.error.code, 'internal');
});

test("a host error passes through as the host's sentence", async () => {
  const error = { code: 'not-found', message: 'acme.x is not installed; fix: install it first' };
  const fake = fakeTransport(() => ({ ok: false, error }));
  const result = await createCorralClient(fake.transport).extensions.get({ id: 'acme.x' });
  assert.deepEqual(result, { ok: false, error });
});

test('events are parsed: a malformed one is reported and dropped, a good one delivered', () => {
  const fake = fakeTransport(() => null);
  const bad: string[] = [];
  const client = createCorralClient(fake.transport, (event) => bad.push(event));
  const got: unknown[] = [];
  const off = client.onPromptClosed((p) => got.push(p));
  fake.emit('onPromptClosed', { id: 'p1' });
  const closed = { id: 'p1', ext: 'acme.x', why: 'timeout', message: 'No answer in 60 s: denied' };
  fake.emit('onPromptClosed', closed);
  off();
  fake.emit('onPromptClosed', closed);
  assert.deepEqual(bad, ['onPromptClosed']);
  assert.deepEqual(got, [closed]);
});
