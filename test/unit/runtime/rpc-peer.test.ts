// The RPC peer's failures are typed: a call with no answer in time is an RpcTimeout (the runner's
// watchdog keys on the class, not on the message), and a peer that is gone is a PeerGone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { PeerGone, RpcFailure, RpcPeer, RpcTimeout } from '../../../app/runtime/rpc-peer.ts';

/** A peer over a stream that swallows what is written and answers nothing. */
function silentPeer(): { peer: RpcPeer; written: string[] } {
  const written: string[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  const peer = new RpcPeer({
    stream,
    maxFrameBytes: 1 << 20,
    maxInFlight: 4,
    maxUnreadBytes: 1 << 20,
    onRequest: async () => ({}),
    onNotification: () => {},
    onFrameError: () => {},
    onDropped: () => {},
    onClose: () => {},
  });
  return { peer, written };
}

test('no answer in time: an RpcTimeout naming the method and the time, answered as -32003', async () => {
  const { peer, written } = silentPeer();
  const e = await peer.call('command/execute', { command: 'x', args: [] }, 20).then(
    () => assert.fail('a call nobody answers cannot resolve'),
    (err: unknown) => err,
  );
  assert.ok(
    written.some((w) => w.includes('"command/execute"')),
    'the call was sent',
  );
  assert.ok(e instanceof RpcTimeout, 'a timeout is an RpcTimeout');
  assert.ok(e instanceof RpcFailure, 'and still an RpcFailure, so it answers with its code');
  assert.equal(e.method, 'command/execute');
  assert.equal(e.timeoutMs, 20);
  assert.equal(e.code, -32003);
  peer.close();
});

test('a peer that goes away: pending and later calls fail with PeerGone, not a timeout', async () => {
  const { peer } = silentPeer();
  const pending = peer.call('command/execute', { command: 'x', args: [] }, 10_000);
  peer.close();
  const gone = await pending.catch((err: unknown) => err);
  assert.ok(gone instanceof PeerGone);
  assert.ok(!(gone instanceof RpcTimeout));
  const later = await peer.call('shutdown', {}, 10_000).catch((err: unknown) => err);
  assert.ok(later instanceof PeerGone);
  assert.equal(later.exit, undefined, 'how it ended is not known to the peer');
});
