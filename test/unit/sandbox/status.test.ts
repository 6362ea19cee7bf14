// The helper's status lines become typed events; nothing unexpected is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineSplitter, parseStatusLine } from '../../../app/sandbox/status.ts';

test('parses every documented status line', () => {
  assert.deepEqual(parseStatusLine('layers user,mount,landlock=7'), {
    type: 'layers',
    layers: ['user', 'mount', 'landlock=7'],
  });
  assert.deepEqual(parseStatusLine('deny syscall ptrace'), { type: 'deny', syscall: 'ptrace' });
  assert.deepEqual(parseStatusLine('lost 12'), { type: 'lost', count: 12 });
  assert.deepEqual(parseStatusLine('limit timeout 30000'), {
    type: 'limit',
    limit: 'timeout',
    detail: '30000',
  });
  assert.deepEqual(parseStatusLine('limit cpu'), { type: 'limit', limit: 'cpu', detail: '' });
  assert.deepEqual(parseStatusLine('exit code 3'), { type: 'exit', code: 3, signal: null });
  assert.deepEqual(parseStatusLine('exit signal 9'), { type: 'exit', code: null, signal: 9 });
  assert.deepEqual(parseStatusLine('error policy line 2: bad'), {
    type: 'error',
    reason: 'policy line 2: bad',
  });
});

test('keeps malformed or unknown lines as unknown instead of guessing', () => {
  // limit nofile: the helper cannot see a process run out of descriptors, and never says so.
  const odd = ['deny', 'lost many', 'limit bogus', 'limit nofile', 'exit code -1', 'exit signal'];
  for (const line of [...odd, 'hello']) {
    assert.deepEqual(parseStatusLine(line), { type: 'unknown', line });
  }
});

test('splits lines across chunk boundaries and flushes a last partial line', () => {
  const seen: string[] = [];
  const split = lineSplitter((l) => seen.push(l));
  split.push(Buffer.from('lay'));
  split.push(Buffer.from('ers a\nexit co'));
  split.push('de 0\npartial'); // text too (a terminal's, already decoded)
  assert.deepEqual(seen, ['layers a', 'exit code 0']);
  split.end();
  assert.deepEqual(seen, ['layers a', 'exit code 0', 'partial']);
});

test('a line longer than the cap keeps its head and says how much was cut; memory stays bounded', () => {
  const seen: string[] = [];
  const split = lineSplitter((l) => seen.push(l), 10);
  split.push(Buffer.from('short\n0123456789abc'));
  for (let i = 0; i < 1000; i++) split.push(Buffer.from('x'.repeat(100)));
  split.push(Buffer.from('yz\nnext\n' + 'q'.repeat(12)));
  split.end();
  assert.deepEqual(seen, [
    'short',
    `0123456789 … (${3 + 100_000 + 2} more characters cut)`,
    'next',
    'qqqqqqqqqq … (2 more characters cut)',
  ]);
});
