// The door's refusals (corral serve, the desktop window) are audited: the first of each kind at
// once, repeats summed, nothing lost, and a client hammering the door cannot flood the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEventInput } from '../../../app/audit-event/event.ts';
import { refusalRecorder } from '../../../app/service/refusal-recorder.ts';

test('the first refusal of a kind is recorded at once; repeats are summed at the flush', () => {
  const events: AuditEventInput[] = [];
  const door = refusalRecorder((e) => events.push(e), { op: 'window', who: 'the desktop window' });
  door.refuse('IPC call audit.query', 'a frame that is not the window', 'wrong sender', 'ipc');
  for (let i = 0; i < 999; i++)
    door.refuse('IPC call audit.query', 'a frame that is not the window', 'wrong sender', 'ipc');
  door.refuse('camera', 'app://corral/', 'the window never needs it', 'permission');
  assert.deepEqual(
    events.map((e) => [e.ext, e.layer, e.kind, e.op, e.decision, e.target]),
    [
      [
        'corral',
        'host',
        'ipc',
        'window',
        'deny',
        'IPC call audit.query from a frame that is not the window',
      ],
      ['corral', 'host', 'permission', 'window', 'deny', 'camera from app://corral/'],
    ],
  );
  assert.equal(events[0]!.reason, 'the desktop window refused it: wrong sender');
  door.flush();
  assert.equal(events.length, 3, 'the 999 repeats are one event, not lost and not 999');
  assert.equal(events[2]!.reason, 'the desktop window refused it: wrong sender (999 more like it)');
  assert.equal(events[2]!.kind, 'ipc');
});

test('the same words under another kind are another refusal', () => {
  const events: AuditEventInput[] = [];
  const door = refusalRecorder((e) => events.push(e), { op: 'serve', who: 'corral serve' });
  door.refuse('GET /', '127.0.0.1', 'no token');
  door.refuse('GET /', '127.0.0.1', 'no token', 'permission');
  door.flush();
  assert.deepEqual(
    events.map((e) => e.kind),
    ['net', 'permission'],
  );
  assert.equal(events[0]!.reason, 'corral serve refused it: no token');
});
