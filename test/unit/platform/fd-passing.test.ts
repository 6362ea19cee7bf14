// The fd-passing addon (native/fd-passing): descriptors cross a unix socket in both directions,
// every call is non-blocking, and bad input is a thrown TypeError or RangeError, never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  futimesSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fdPassing } from '../../../app/platform/fd-passing.ts';

const fds = fdPassing();

function withPair(body: (a: number, b: number) => void): void {
  const [a, b] = fds.socketPair();
  try {
    body(a, b);
  } finally {
    closeSync(a);
    closeSync(b);
  }
}

test('a descriptor sent one way arrives as a new descriptor of the same open file', () => {
  withPair((a, b) => {
    const file = join(mkdtempSync(join(tmpdir(), 'corral-fd-')), 'f.txt');
    const sent = openSync(file, 'w+');
    writeSync(sent, 'carried across');
    assert.equal(fds.sendFds(a, [sent], Buffer.from('x')), 1);
    const got = fds.recvFds(b, 4, 16);
    assert.deepEqual(got.data, Buffer.from('x'));
    assert.equal(got.fds.length, 1);
    const [copy] = got.fds as [number];
    assert.notEqual(copy, sent);
    assert.equal(fstatSync(copy).ino, fstatSync(sent).ino);
    const buf = Buffer.alloc(32);
    assert.equal(buf.toString('utf8', 0, readSync(copy, buf, 0, 32, 0)), 'carried across');
    closeSync(copy);
    closeSync(sent);
  });
});

test('several descriptors and the data travel the other way too, and close-on-exec', () => {
  withPair((a, b) => {
    const [x, y] = fds.socketPair();
    fds.sendFds(b, [x, y, x], Buffer.from('three'));
    const got = fds.recvFds(a, 3, 16);
    assert.equal(got.data.toString(), 'three');
    assert.equal(got.fds.length, 3);
    // Received descriptors must not leak into programs this process starts.
    const inherited = spawnSync('/bin/sh', ['-c', `ls /proc/self/fd/${got.fds[0]} 2>&1`], {
      encoding: 'utf8',
    });
    assert.match(inherited.stdout, /No such file/);
    for (const fd of [...got.fds, x, y]) closeSync(fd);
  });
});

test('nothing there is EAGAIN, not a wait; the end of the stream is empty data', () => {
  const [a, b] = fds.socketPair();
  assert.throws(() => fds.recvFds(a, 1, 8), { code: 'EAGAIN' });
  closeSync(b);
  assert.deepEqual(fds.recvFds(a, 1, 8), { data: Buffer.alloc(0), fds: [] });
  closeSync(a);
});

test('more descriptors than asked for are closed and refused', () => {
  withPair((a, b) => {
    const [x, y] = fds.socketPair();
    fds.sendFds(a, [x, y], Buffer.from('2'));
    assert.throws(() => fds.recvFds(b, 1, 8), { code: 'EMSGSIZE' });
    fds.sendFds(a, [x], Buffer.from('1'));
    const ok = fds.recvFds(b, 1, 8);
    assert.equal(ok.fds.length, 1, 'the next message still arrives whole');
    for (const fd of [...ok.fds, x, y]) closeSync(fd);
  });
});

test('bad arguments throw a TypeError or RangeError; a closed socket throws EBADF', () => {
  withPair((a) => {
    const bad = fds as unknown as Record<string, (...args: unknown[]) => unknown>;
    assert.throws(() => bad.sendFds!(a, 'nope', Buffer.from('x')), TypeError);
    assert.throws(() => bad.sendFds!(a, [1.5], Buffer.from('x')), TypeError);
    assert.throws(() => bad.sendFds!(a, [], 'x'), TypeError);
    assert.throws(() => fds.sendFds(a, [], Buffer.alloc(0)), RangeError);
    assert.throws(() => fds.sendFds(a, Array(17).fill(0) as number[], Buffer.from('x')), TypeError);
    assert.throws(() => fds.recvFds(a, 17, 8), TypeError);
    assert.throws(() => bad.recvFds!(a), TypeError);
  });
  const [a, b] = fds.socketPair();
  closeSync(a);
  closeSync(b);
  assert.throws(() => fds.sendFds(a, [], Buffer.from('x')), { code: 'EBADF' });
});

test('the read-only opener: its descriptors read the file and change nothing about it', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'corral-ro-')), 'f.txt');
  writeFileSync(file, 'read me');
  const opener = fds.startReadOnlyOpener();
  try {
    const fd = fds.openReadOnly(opener, file);
    const own = openSync(file, 'r');
    try {
      assert.equal(fstatSync(fd).ino, fstatSync(own).ino, 'the same file');
      assert.equal(readFileSync(fd, 'utf8'), 'read me');
      // Positive control: the host's own read-only descriptor can change the mode.
      fchmodSync(own, 0o640);
      for (const [what, change] of [
        ['fchmod', () => fchmodSync(fd, 0o666)],
        ['fchown', () => fchownSync(fd, process.getuid!(), process.getgid!())],
        ['futimes', () => futimesSync(fd, 1, 1)],
        ['reopen for writing', () => closeSync(openSync(`/proc/self/fd/${fd}`, 'r+'))],
      ] as const)
        assert.throws(change, { code: 'EROFS' }, what);
      assert.throws(() => writeSync(fd, 'x'), { code: 'EBADF' });
    } finally {
      closeSync(fd);
      closeSync(own);
    }
    assert.throws(() => fds.openReadOnly(opener, `${file}.missing`), { code: 'ENOENT' });
    assert.throws(() => fds.openReadOnly(opener, 'relative'), TypeError);
  } finally {
    closeSync(opener); // the opener ends with its socket
  }
});
