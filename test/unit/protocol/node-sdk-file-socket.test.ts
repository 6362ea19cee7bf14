// The Node SDK's file socket (protocol version 2): taken only when offered with the addon, the
// descriptor tagged with the call's handle is the one returned, stale ones are closed, and a
// missing one answers at once (null), never blocking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, fstatSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fdPassing, fdPassingPath } from '../../../app/platform/fd-passing.ts';
import { openFileSocket, readDescriptor } from '../../../sdk/node/src/file-socket.ts';

const addon = fdPassingPath()!;

test('version 2 is taken only when offered with a file socket and an addon that loads', () => {
  const reports: string[] = [];
  const report = (m: string) => reports.push(m);
  assert.equal(openFileSocket({}, report), null);
  assert.equal(
    openFileSocket(
      { CORRAL_PROTOCOL_MAX: '1', CORRAL_FILE_FD: '4', CORRAL_FD_ADDON: addon },
      report,
    ),
    null,
  );
  assert.deepEqual(reports, [], 'not offered: nothing to say');
  const broken = {
    CORRAL_PROTOCOL_MAX: '2',
    CORRAL_FILE_FD: '4',
    CORRAL_FD_ADDON: '/nowhere.node',
  };
  assert.equal(openFileSocket(broken, report), null);
  assert.match(reports[0]!, /^protocol version 2 is off: \/nowhere\.node does not load/);
  // Positive control: offered properly, it is taken.
  const [a, b] = fdPassing().socketPair();
  const env = { CORRAL_PROTOCOL_MAX: '2', CORRAL_FILE_FD: String(b), CORRAL_FD_ADDON: addon };
  assert.notEqual(openFileSocket(env, report), null);
  closeSync(a);
  closeSync(b);
});

test('the tagged descriptor is returned, stale ones closed, a missing one is null at once', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'corral-sdk-fd-')), 'f.txt');
  writeFileSync(file, 'through a descriptor');
  const [host, ext] = fdPassing().socketPair();
  const files = openFileSocket(
    { CORRAL_PROTOCOL_MAX: '2', CORRAL_FILE_FD: String(ext), CORRAL_FD_ADDON: addon },
    () => {},
  )!;
  const send = (handle: number) => {
    const fd = openSync(file, 'r');
    fdPassing().sendFds(host, [fd], Buffer.from(String(handle)));
    closeSync(fd);
  };
  send(1); // a call given up on
  send(2);
  const fd = files.take(2)!;
  assert.equal(fstatSync(fd).size, 20);
  assert.equal((await readDescriptor(fd, 7)).toString(), 'through');
  assert.throws(() => fstatSync(fd), { code: 'EBADF' }, 'readDescriptor closed it');
  assert.equal(files.take(3), null, 'nothing queued: null, not a wait');
  closeSync(host);
  closeSync(ext);
});
