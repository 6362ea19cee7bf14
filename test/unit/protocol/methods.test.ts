// The method table (contracts §4): its whole surface as a snapshot, so that any change to the
// protocol shows up in review, and each method's params and results checked against examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkParams,
  checkResult,
  ErrorCode,
  isMethodName,
  methods,
  PROTOCOL_VERSION,
  LATEST_PROTOCOL_VERSION,
  negotiatedVersion,
  type CallMethod,
  type MethodName,
} from '../../../app/protocol/index.ts';

test('the protocol surface is exactly the table of contracts §4, and version 2 adds only fs/open', () => {
  const surface = Object.entries(methods)
    .filter(([, m]) => m.since === 1)
    .map(([name, m]) => `${m.direction} ${m.kind} ${name}`);
  assert.deepEqual(surface, [
    'host-to-extension request initialize',
    'host-to-extension request command/execute',
    'host-to-extension notification ipc/message',
    'host-to-extension request shutdown',
    'extension-to-host request fs/read',
    'extension-to-host request fs/write',
    'extension-to-host request fs/list',
    'extension-to-host request fs/stat',
    'extension-to-host request net/fetch',
    'extension-to-host request ipc/publish',
    'extension-to-host request ipc/subscribe',
    'extension-to-host request permissions/request',
    'extension-to-host notification log',
  ]);
  assert.equal(PROTOCOL_VERSION, 1);
  const added = Object.entries(methods)
    .filter(([, m]) => m.since === 2)
    .map(([name, m]) => `${m.direction} ${m.kind} ${name}`);
  assert.deepEqual(added, ['extension-to-host request fs/open']);
  assert.equal(LATEST_PROTOCOL_VERSION, 2);
  for (const m of Object.values(methods))
    assert.equal(m.result === null, m.kind === 'notification');
});

const valid: [MethodName, unknown][] = [
  [
    'initialize',
    { protocolVersion: 1, extension: { id: 'acme.x', version: '1.0.0' }, workspace: '/w' },
  ],
  [
    'initialize',
    { protocolVersion: 1, extension: { id: 'acme.x', version: '1.0.0' }, workspace: null },
  ],
  ['command/execute', { command: 'wordcount.run', args: [] }],
  ['command/execute', { command: 'x', args: [1, 'two', { three: [null, true] }] }],
  ['ipc/message', { channel: 'wordcount.updates', message: { n: 3 } }],
  ['shutdown', {}],
  ['shutdown', undefined],
  ['fs/read', { path: '/home/u/a.md' }],
  ['fs/read', { path: '/home/u/a.png', encoding: 'base64' }],
  ['fs/open', { path: '/home/u/big.bin' }],
  ['fs/write', { path: '/tmp/x', data: 'aGk=', encoding: 'base64' }],
  ['fs/list', { path: '/' }],
  ['fs/stat', { path: '/home/u' }],
  ['net/fetch', { url: 'https://api.github.com/repos' }],
  [
    'net/fetch',
    {
      url: 'http://127.0.0.1:8080/x',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    },
  ],
  ['net/fetch', { url: 'https://[::1]/', body: { base64: 'AAEC' } }],
  ['ipc/publish', { channel: 'a.b', message: null }],
  ['ipc/subscribe', { channel: 'editor.selection' }],
  ['permissions/request', { permissions: { fs: [{ path: '${downloads}', access: 'read' }] } }],
  ['permissions/request', { permissions: {} }],
  ['log', { level: 'warn', message: 'careful' }],
];

test('params that follow contracts §4 are accepted', () => {
  for (const [method, params] of valid) {
    const r = checkParams(method, params);
    assert.equal(r.ok, true, `${method} ${JSON.stringify(params)}: ${r.ok ? '' : r.error.message}`);
  }
});

const invalid: [MethodName, unknown, RegExp][] = [
  [
    'initialize',
    { protocolVersion: 2, extension: { id: 'a', version: '1' }, workspace: null },
    /protocolVersion/,
  ],
  ['initialize', { protocolVersion: 1, extension: { id: 'a', version: '1' } }, /workspace/],
  ['command/execute', { command: 'x' }, /args/],
  ['command/execute', { command: '', args: [] }, /command/],
  ['ipc/message', { channel: 'Bad Channel', message: 1 }, /channel/],
  ['shutdown', { now: true }, /now/],
  ['fs/read', { path: 'relative/a.md' }, /absolute path/],
  ['fs/read', { path: '/a\0b' }, /NUL/],
  ['fs/read', { path: '/a', encoding: 'latin1' }, /encoding/],
  ['fs/read', { path: '/a', mode: 'r' }, /mode/],
  ['fs/write', { path: '/a' }, /data/],
  ['fs/list', {}, /path/],
  ['fs/stat', { path: 3 }, /path/],
  ['net/fetch', { url: 'file:///etc/passwd' }, /url/],
  ['net/fetch', { url: 'https://a.b', method: 'get' }, /method/],
  ['net/fetch', { url: 'https://a.b', headers: { 'x-a': 'v\r\nX-Injected: 1' } }, /span lines/],
  ['net/fetch', { url: 'https://a.b', headers: { 'bad name': 'v' } }, /bad name/],
  ['net/fetch', { url: 'https://a.b', body: { base64: '***' } }, /body/],
  ['net/fetch', { url: 'https://a.b', body: 7 }, /body/],
  ['ipc/publish', { channel: 'a.b' }, /message/],
  ['ipc/subscribe', { channel: '' }, /channel/],
  [
    'permissions/request',
    { permissions: { fs: [{ path: 'rel', access: 'read' }] } },
    /permissions/,
  ],
  ['permissions/request', { permissions: { fss: [] } }, /fss/],
  ['log', { level: 'trace', message: 'x' }, /level/],
];

test('params outside contracts §4 are refused with -32602 and one line naming the field', () => {
  for (const [method, params, field] of invalid) {
    const r = checkParams(method, params);
    assert.equal(r.ok, false, `${method} ${JSON.stringify(params)} was accepted`);
    if (r.ok) continue;
    assert.equal(r.error.code, ErrorCode.InvalidParams);
    assert.match(r.error.message, new RegExp(`^invalid params for ${method}: `));
    assert.match(JSON.stringify(r.error), field, `${method}: ${r.error.message}`);
    assert.doesNotMatch(r.error.message, /\n/);
  }
});

test('results are checked against the same table', () => {
  const good: [CallMethod, unknown][] = [
    ['initialize', {}],
    ['initialize', { protocolVersion: 2 }],
    ['initialize', { protocolVersion: 1 }],
    ['command/execute', { any: ['json', 1] }],
    ['command/execute', null],
    ['shutdown', {}],
    ['fs/read', { data: 'text' }],
    ['fs/open', { size: 0, handle: 1 }],
    ['fs/write', {}],
    [
      'fs/list',
      {
        entries: [
          { name: 'a.md', type: 'file' },
          { name: 'sub', type: 'dir' },
        ],
      },
    ],
    ['fs/stat', { type: 'symlink', size: 0, mtimeMs: 1732568645123.5 }],
    ['net/fetch', { status: 200, headers: { 'content-type': 'text/plain' }, body: 'hi' }],
    ['net/fetch', { status: 204, headers: {}, body: { base64: '' } }],
    ['ipc/publish', {}],
    ['ipc/subscribe', {}],
    ['permissions/request', { granted: false }],
  ];
  for (const [method, result] of good) assert.equal(checkResult(method, result).ok, true, method);
  const bad: [CallMethod, unknown][] = [
    ['initialize', { ready: true }],
    ['initialize', { protocolVersion: 3 }],
    ['fs/open', { size: 10, handle: 0 }],
    ['fs/open', { size: 10 }],
    ['command/execute', undefined],
    ['fs/read', { data: 1 }],
    ['fs/list', { entries: [{ name: 'a', type: 'fifo' }] }],
    ['fs/stat', { type: 'file', size: -1, mtimeMs: 0 }],
    ['net/fetch', { status: 42, headers: {}, body: '' }],
    ['permissions/request', {}],
  ];
  for (const [method, result] of bad) {
    const r = checkResult(method, result);
    assert.equal(r.ok, false, `${method} ${JSON.stringify(result)}`);
    if (!r.ok) assert.match(r.error.message, new RegExp(`^invalid result for ${method}: `));
  }
});

test('only the protocol own method names are methods', () => {
  assert.equal(isMethodName('fs/read'), true);
  for (const name of ['toString', '__proto__', 'constructor', 'fs/delete', 'FS/READ'])
    assert.equal(isMethodName(name), false, name);
});

test('the version a run speaks: {} and other version 1 answers are 1; a version must be offered', () => {
  assert.deepEqual(negotiatedVersion({}, 2), { ok: true, version: 1 });
  // Version 1 hosts never read the answer: an extension that answered more still starts.
  assert.deepEqual(negotiatedVersion({ ready: true }, 2), { ok: true, version: 1 });
  assert.deepEqual(negotiatedVersion(null, 2), { ok: true, version: 1 });
  assert.deepEqual(negotiatedVersion({ protocolVersion: 2 }, 2), { ok: true, version: 2 });
  assert.deepEqual(negotiatedVersion({ protocolVersion: 1 }, 2), { ok: true, version: 1 });
  const notOffered = negotiatedVersion({ protocolVersion: 2 }, 1);
  assert.equal(notOffered.ok, false);
  if (!notOffered.ok) assert.match(notOffered.message, /offered at most 1; fix: /);
  const unknown = negotiatedVersion({ protocolVersion: 3 }, 2);
  assert.equal(unknown.ok, false);
  if (!unknown.ok) assert.match(unknown.message, /version 3, which Corral does not speak/);
});
