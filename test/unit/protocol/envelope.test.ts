// The JSON-RPC envelope: which frames are requests, notifications or responses, and which id to
// answer a refused frame with (JSON-RPC 2.0 §5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyMessage, ErrorCode, errorCodeName } from '../../../app/protocol/index.ts';

test('requests, notifications and both kinds of response are told apart', () => {
  const request = { jsonrpc: '2.0', id: 7, method: 'fs/read', params: { path: '/a' } };
  const named = { jsonrpc: '2.0', id: 'k-1', method: 'shutdown' };
  const notification = { jsonrpc: '2.0', method: 'log', params: { level: 'info', message: 'x' } };
  const success = { jsonrpc: '2.0', id: 7, result: null };
  const failure = { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'bad' } };
  assert.deepEqual(classifyMessage(request), { ok: true, kind: 'request', message: request });
  assert.deepEqual(classifyMessage(named), { ok: true, kind: 'request', message: named });
  assert.deepEqual(classifyMessage(notification), {
    ok: true,
    kind: 'notification',
    message: notification,
  });
  assert.deepEqual(classifyMessage(success), { ok: true, kind: 'response', message: success });
  assert.deepEqual(classifyMessage(failure), { ok: true, kind: 'response', message: failure });
});

test('a refused frame says what it looked like and carries the id it could read', () => {
  const cases: [unknown, string, unknown, RegExp][] = [
    [[{ jsonrpc: '2.0', method: 'log' }], 'unknown', null, /batches are not supported/],
    [42, 'unknown', null, /must be a JSON object, got number/],
    [null, 'unknown', null, /got null/],
    [{ jsonrpc: '2.0', id: 3 }, 'unknown', 3, /needs a "method", a "result" or an "error"/],
    [{ jsonrpc: '1.0', id: 'a', method: 'x' }, 'request', 'a', /invalid request: at jsonrpc/],
    [{ jsonrpc: '2.0', id: 1.5, method: 'x' }, 'request', null, /at id/],
    [{ jsonrpc: '2.0', id: 2, method: 'x', params: 'p' }, 'request', 2, /at params/],
    [{ jsonrpc: '2.0', id: 2, method: 'x', extra: 1 }, 'request', 2, /extra/],
    [{ jsonrpc: '2.0', method: 9 }, 'notification', null, /invalid notification/],
    [{ jsonrpc: '2.0', id: 4, result: 1, error: {} }, 'response', 4, /invalid response/],
    [{ jsonrpc: '2.0', id: 5, error: { code: 'x', message: 'm' } }, 'response', 5, /error\.code/],
  ];
  for (const [value, looksLike, id, message] of cases) {
    const r = classifyMessage(value);
    assert.equal(r.ok, false, JSON.stringify(value));
    if (r.ok) continue;
    assert.equal(r.error.code, ErrorCode.InvalidRequest);
    assert.equal(r.error.looksLike, looksLike, JSON.stringify(value));
    assert.equal(r.error.id, id, JSON.stringify(value));
    assert.match(r.error.message, message);
    assert.doesNotMatch(r.error.message, /\n/);
  }
});

test('a response without "result" is not a success, and prototype keys are not methods', () => {
  const inherited = JSON.parse('{"jsonrpc":"2.0","id":1}') as object;
  assert.equal('constructor' in inherited, true);
  assert.equal(classifyMessage(inherited).ok, false);
});

test('error codes have the numbers contracts §4 and JSON-RPC give them', () => {
  assert.deepEqual(
    { ...ErrorCode },
    {
      ParseError: -32700,
      InvalidRequest: -32600,
      MethodNotFound: -32601,
      InvalidParams: -32602,
      InternalError: -32603,
      PermissionDenied: -32001,
      NotFound: -32002,
      LimitExceeded: -32003,
    },
  );
  assert.equal(errorCodeName(-32001), 'PermissionDenied');
  assert.equal(errorCodeName(-1), undefined);
});
