// The ipc bus routes between subscribers, and keeps a message for an extension the host is
// starting to receive it: delivered once it subscribes, counted and reported when it never does.
import { beforeEach, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { IpcBus, MAILBOX_MAX, MAILBOX_TTL_MS } from '../../../app/runtime/ipc-bus.ts';

const got: string[] = [];
const sub = (id: string) => ({
  id,
  deliver: (c: string, m: unknown, from: string) =>
    void got.push(`${id}<${from}:${c}:${String(m)}`),
});

beforeEach(() => {
  got.length = 0;
  mock.timers.reset();
});

test('delivers to every subscriber but the sender (the control: no wake hook)', () => {
  const bus = new IpcBus();
  bus.subscribe('c', sub('a'));
  bus.subscribe('c', sub('b'));
  assert.equal(bus.publish('c', 'hi', 'a'), 1);
  assert.deepEqual(got, ['b<a:c:hi']);
});

test('a woken extension gets what was published while it started, once it subscribes', () => {
  const bus = new IpcBus({ wake: (channel) => (channel === 'c' ? ['sleeper'] : []) });
  assert.equal(bus.publish('c', 'one', 'a'), 1);
  assert.equal(bus.publish('c', 'two', 'a'), 1);
  assert.deepEqual(got, []);
  bus.subscribe('c', sub('sleeper'));
  assert.deepEqual(got, ['sleeper<a:c:one', 'sleeper<a:c:two']);
  bus.publish('c', 'three', 'a');
  assert.equal(got.at(-1), 'sleeper<a:c:three', 'then it is an ordinary subscriber');
});

test('a woken extension that never subscribes: its messages are reported, not dropped silently', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  const reports: string[] = [];
  const bus = new IpcBus({
    wake: () => ['sleeper'],
    onUndelivered: (id, channel, count, why) => reports.push(`${id} ${channel} ${count}: ${why}`),
  });
  for (let i = 0; i < MAILBOX_MAX + 5; i++) bus.publish('c', i, 'a');
  mock.timers.tick(MAILBOX_TTL_MS);
  assert.deepEqual(reports, [
    `sleeper c ${MAILBOX_MAX + 5}: it was started to receive them but did not subscribe within 30 s`,
  ]);
});
