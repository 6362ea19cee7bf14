// The Node SDK end to end against a fake host on a real socket: what each method puts on the
// wire, what it returns, how errors map, and that nothing the host sends can crash the extension.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  connect,
  CorralError,
  ErrorCode,
  LimitExceededError,
  NotFoundError,
  PermissionDeniedError,
  type ConnectOptions,
} from '../src/index.ts';
import { error, fakeHost, NO_ANSWER } from './fake-host.ts';
import { commandErrorDataSchema } from '../../../app/protocol/index.ts';

async function setup(t: TestContext, options: ConnectOptions = {}) {
  const host = await fakeHost();
  const problems: string[] = [];
  const exits: number[] = [];
  const corral = connect({
    socket: host.socket,
    onProtocolError: (m) => problems.push(m),
    exit: (code) => exits.push(code),
    ...options,
  });
  t.after(() => host.close());
  return { host, corral, problems, exits };
}

function params(frame: { message: unknown }): unknown {
  return (frame.message as { params?: unknown }).params;
}

test('fs calls put the contract shapes on the wire and return the results', async (t) => {
  const { host, corral } = await setup(t);
  host.answer = (req) =>
    ({
      'fs/read': { data: 'hello' },
      'fs/write': {},
      'fs/list': { entries: [{ name: 'a.md', type: 'file' }] },
      'fs/stat': { type: 'file', size: 5, mtimeMs: 1.5 },
    })[req.method];

  assert.equal(await corral.fs.read('/w/a.md'), 'hello');
  assert.deepEqual((await host.next()).message, {
    jsonrpc: '2.0',
    id: 1,
    method: 'fs/read',
    params: { path: '/w/a.md' },
  });
  await corral.fs.read('/w/a.png', { encoding: 'base64' });
  assert.deepEqual(params(await host.next()), { path: '/w/a.png', encoding: 'base64' });
  await corral.fs.write('/w/b.txt', 'text');
  assert.deepEqual(params(await host.next()), { path: '/w/b.txt', data: 'text' });
  await corral.fs.write('/w/b.bin', new Uint8Array([0, 1, 255]));
  assert.deepEqual(params(await host.next()), {
    path: '/w/b.bin',
    data: 'AAH/',
    encoding: 'base64',
  });
  assert.deepEqual(await corral.fs.list('/w'), [{ name: 'a.md', type: 'file' }]);
  assert.deepEqual(params(await host.next()), { path: '/w' });
  assert.deepEqual(await corral.fs.stat('/w/a.md'), { type: 'file', size: 5, mtimeMs: 1.5 });
  assert.deepEqual((await host.next()).message, {
    jsonrpc: '2.0',
    id: 6,
    method: 'fs/stat',
    params: { path: '/w/a.md' },
  });
});

test('net.fetch sends bytes as base64 and returns status, headers and body', async (t) => {
  const { host, corral } = await setup(t);
  const response = { status: 201, headers: { 'content-type': 'text/plain' }, body: 'ok' };
  host.answer = () => response;
  const r = await corral.net.fetch('https://api.github.com/x', {
    method: 'POST',
    headers: { 'x-token': 'abc' },
    body: new Uint8Array([104, 105]),
  });
  assert.deepEqual(r, response);
  assert.deepEqual(params(await host.next()), {
    url: 'https://api.github.com/x',
    method: 'POST',
    headers: { 'x-token': 'abc' },
    body: { base64: 'aGk=' },
  });
  await corral.net.fetch('https://api.github.com/y');
  assert.deepEqual(params(await host.next()), { url: 'https://api.github.com/y' });
});

test('ipc: publish, subscribe, and messages delivered to the channel handler', async (t) => {
  const { host, corral, problems } = await setup(t);
  await corral.ipc.publish('wordcount.updates', { words: 3 });
  assert.deepEqual(params(await host.next()), {
    channel: 'wordcount.updates',
    message: { words: 3 },
  });
  const got: unknown[] = [];
  await corral.ipc.subscribe('editor.selection', (message, channel) => {
    got.push([channel, message]);
  });
  assert.deepEqual(params(await host.next()), { channel: 'editor.selection' });
  host.notify('ipc/message', { channel: 'editor.selection', message: [1, 'two'] });
  host.notify('ipc/message', { channel: 'other.channel', message: 1 });
  host.notify('ipc/message', { channel: 'Not A Channel', message: 1 });
  await corral.ipc.publish('a.b', null); // a round trip: the notifications arrived before it
  assert.deepEqual(got, [['editor.selection', [1, 'two']]]);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /"other.channel", which has no subscriber/);
  assert.match(problems[1]!, /invalid params for ipc\/message/);
});

test('a refused subscription leaves no handler behind', async (t) => {
  const { host, corral, problems } = await setup(t);
  host.answer = () => error({ code: -32001, message: 'not granted: subscribe x.y' });
  await assert.rejects(
    corral.ipc.subscribe('x.y', () => undefined),
    PermissionDeniedError,
  );
  host.notify('ipc/message', { channel: 'x.y', message: 1 });
  await corral.ipc.publish('a.b', 1).catch(() => undefined);
  assert.match(problems[0]!, /no subscriber/);
});

test('permissions.request carries the manifest permissions shape and returns granted', async (t) => {
  const { host, corral } = await setup(t);
  host.answer = () => ({ granted: true });
  const permissions = { fs: [{ path: '${downloads}', access: 'read' as const }] };
  assert.equal(await corral.permissions.request(permissions), true);
  assert.deepEqual(params(await host.next()), { permissions });
  await assert.rejects(
    corral.permissions.request({ fs: [{ path: 'relative', access: 'read' }] }),
    (err: CorralError) => err.code === ErrorCode.InvalidParams,
  );
});

test('log lines are notifications: no id, no answer awaited', async (t) => {
  const { host, corral } = await setup(t);
  await corral.log.info('started');
  await corral.log.error('broke');
  assert.deepEqual((await host.next()).message, {
    jsonrpc: '2.0',
    method: 'log',
    params: { level: 'info', message: 'started' },
  });
  assert.deepEqual(params(await host.next()), { level: 'error', message: 'broke' });
});

test('host errors become typed errors with code, message and data', async (t) => {
  const { host, corral } = await setup(t);
  const answers = [
    error({
      code: -32001,
      message: 'fs read /etc/shadow: no grant covers it',
      data: { rule: 'x' },
    }),
    error({ code: -32002, message: 'no such file' }),
    error({ code: -32003, message: 'rate limit' }),
    error({ code: -32099, message: 'odd' }),
  ];
  host.answer = () => answers.shift();
  const denied = await corral.fs.read('/etc/shadow').catch((e: unknown) => e);
  assert.ok(denied instanceof PermissionDeniedError && denied instanceof CorralError);
  assert.equal(denied.code, -32001);
  assert.equal(denied.message, 'fs read /etc/shadow: no grant covers it');
  assert.deepEqual(denied.data, { rule: 'x' });
  await assert.rejects(corral.fs.stat('/nope'), NotFoundError);
  await assert.rejects(corral.fs.list('/'), LimitExceededError);
  await assert.rejects(corral.fs.list('/'), (e: CorralError) => e.code === -32099);
});

test('a result outside the contract is an error, not a value', async (t) => {
  const { host, corral } = await setup(t);
  host.answer = () => ({ data: 42 });
  await assert.rejects(corral.fs.read('/a'), (e: CorralError) => {
    assert.equal(e.code, ErrorCode.InternalError);
    assert.match(e.message, /^invalid result for fs\/read: at data/);
    return true;
  });
});

test('bad params fail before anything is sent', async (t) => {
  const { host, corral } = await setup(t);
  await assert.rejects(corral.fs.read('notes/a.md'), (e: CorralError) => {
    assert.equal(e.code, ErrorCode.InvalidParams);
    assert.match(e.message, /absolute path/);
    return true;
  });
  await assert.rejects(corral.net.fetch('file:///etc/passwd'), CorralError);
  await assert.rejects(corral.ipc.publish('a.b', (() => 1) as never), CorralError);
  await corral.log.info('after');
  assert.equal((await host.next()).kind, 'notification');
  assert.equal(host.frames.length, 1);
});

test('a call times out on its own, and the late answer is reported, not fatal', async (t) => {
  const { host, corral, problems } = await setup(t, { timeoutMs: 5000 });
  let release: () => void = () => undefined;
  host.answer = (req) => {
    release = () => host.write(`{"jsonrpc":"2.0","id":${req.id},"result":{"data":"late"}}\n`);
    return NO_ANSWER;
  };
  await assert.rejects(corral.fs.read('/slow', { timeoutMs: 30 }), (e: CorralError) => {
    assert.ok(e instanceof LimitExceededError);
    assert.match(e.message, /fs\/read got no answer within 30 ms/);
    return true;
  });
  release();
  host.answer = () => ({});
  await corral.ipc.publish('a.b', 1);
  assert.match(problems.join('\n'), /call 1, which is not waiting/);
});

test('initialize runs the hook, answers {} and then resolves ready', async (t) => {
  const { host, corral } = await setup(t);
  const init = {
    protocolVersion: 1,
    extension: { id: 'acme.x', version: '1.0.0' },
    workspace: '/home/u/w',
  };
  const order: string[] = [];
  corral.onInitialize(async (p) => {
    order.push(`hook ${p.workspace}`);
  });
  void corral.ready.then(() => order.push('ready'));
  assert.deepEqual(await host.call('initialize', init), { jsonrpc: '2.0', id: 1000, result: {} });
  assert.deepEqual(await corral.ready, init);
  assert.deepEqual(order, ['hook /home/u/w', 'ready']);
  const again = await host.call('initialize', init);
  assert.equal('error' in again && again.error.code, ErrorCode.InvalidRequest);
});

test('initialize refuses another protocol version, and reports a failing hook', async (t) => {
  const { host, corral } = await setup(t);
  const v2 = await host.call('initialize', {
    protocolVersion: 2,
    extension: { id: 'acme.x', version: '1.0.0' },
    workspace: null,
  });
  assert.ok('error' in v2 && v2.error.code === ErrorCode.InvalidParams);
  assert.match(v2.error.message, /protocolVersion/);
  corral.onInitialize(() => {
    throw new Error('config missing\n    at stack frame');
  });
  const failed = await host.call('initialize', {
    protocolVersion: 1,
    extension: { id: 'acme.x', version: '1.0.0' },
    workspace: null,
  });
  assert.deepEqual('error' in failed && failed.error, {
    code: ErrorCode.InternalError,
    message: 'config missing',
  });
});

test('command/execute runs the registered handler with the args', async (t) => {
  const { host, corral } = await setup(t);
  corral.onCommand(
    'wordcount.run',
    async (text, factor) => String(text).split(' ').length * Number(factor),
  );
  corral.onCommand('quiet', () => undefined);
  corral.onCommand('denied', () => {
    throw new PermissionDeniedError('no grant for /x', { path: '/x' });
  });
  corral.onCommand('buggy', function buggyHandler() {
    throw new TypeError('x is undefined');
  });
  corral.onCommand('buggy-later', async function laterHandler() {
    await new Promise((r) => setTimeout(r, 1));
    throw new RangeError('too far\nsecond line');
  });
  corral.onCommand('string', () => {
    throw 'plain text';
  });
  corral.onCommand('bigint', () => 1n);
  const run = (command: string, args: unknown[] = []) =>
    host.call('command/execute', { command, args });

  assert.deepEqual(await run('wordcount.run', ['a b c', 2]), {
    jsonrpc: '2.0',
    id: 1000,
    result: 6,
  });
  assert.equal(((await run('quiet')) as { result: unknown }).result, null);
  const errors = await Promise.all(['denied', 'bigint', 'missing'].map((c) => run(c)));
  assert.deepEqual(
    errors.map((r) => ('error' in r ? r.error : r)),
    [
      { code: -32001, message: 'no grant for /x', data: { path: '/x' } },
      { code: -32603, message: 'command "bigint" returned a value that is not JSON' },
      { code: -32002, message: 'no handler for command "missing"; register it with onCommand' },
    ],
  );
  // A bug (anything but a CorralError): its type, whole message and the author's frames only.
  const thrown = await Promise.all(['buggy', 'buggy-later', 'string'].map((c) => run(c)));
  const [buggy, later, text] = thrown.map((r) => ('error' in r ? r.error : assert.fail('ok')));
  assert.equal(buggy!.message, 'command "buggy" threw TypeError: x is undefined');
  const data = commandErrorDataSchema.parse(buggy!.data);
  assert.equal(data.exception.type, 'TypeError');
  assert.equal(data.exception.message, 'x is undefined');
  const stack = data.exception.stack!.split('\n');
  assert.match(stack[0]!, /^at buggyHandler \(.*client\.test\.ts:\d+:\d+\)$/);
  assert.ok(!stack.some((l) => /connection\.ts|frame-decoder|node:/.test(l)), stack.join('\n'));
  assert.equal(later!.message, 'command "buggy-later" threw RangeError: too far');
  const laterData = commandErrorDataSchema.parse(later!.data);
  assert.equal(laterData.exception.message, 'too far\nsecond line');
  assert.match(laterData.exception.stack!, /^at laterHandler /);
  assert.ok(!/client\.ts/.test(laterData.exception.stack!), laterData.exception.stack);
  assert.deepEqual(text, {
    code: -32603,
    message: 'command "string" threw string: plain text',
    data: { exception: { type: 'string', message: 'plain text' } },
  });
  const bad = await host.call('command/execute', { command: 'quiet' });
  assert.ok('error' in bad && bad.error.code === ErrorCode.InvalidParams);
});

test(
  'a result over the frame limit is answered -32003 at once, not left unanswered',
  { timeout: 5000 },
  async (t) => {
    const problems: string[] = [];
    const { host, corral } = await setup(t, {
      maxFrameBytes: 1024,
      onProtocolError: (m) => problems.push(m),
    });
    corral.onCommand('big', (n) => 'x'.repeat(Number(n)));
    const run = (n: number) => host.call('command/execute', { command: 'big', args: [n] });
    assert.equal(((await run(100)) as { result: unknown }).result, 'x'.repeat(100));
    const answer = await run(2000);
    assert.ok('error' in answer, JSON.stringify(answer));
    assert.equal(answer.error.code, ErrorCode.LimitExceeded);
    assert.match(
      answer.error.message,
      /^the result of command\/execute could not be sent: the message is \d+ bytes, over the 1024-byte frame limit$/,
    );
    assert.deepEqual(problems, []);
  },
);

test('unknown methods, and extension-side methods sent by the host, answer -32601', async (t) => {
  const { host } = await setup(t);
  for (const method of ['fs/delete', 'fs/read', 'toString', 'log']) {
    const r = await host.call(method, { path: '/a' });
    assert.ok('error' in r && r.error.code === ErrorCode.MethodNotFound, method);
  }
});

test('shutdown runs the hook, answers {} and only then exits', async (t) => {
  const { host, corral, exits } = await setup(t);
  let hookRan = false;
  corral.onShutdown(() => {
    hookRan = true;
  });
  const response = await host.call('shutdown', {});
  assert.deepEqual(response, { jsonrpc: '2.0', id: 1000, result: {} });
  assert.ok(hookRan);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(exits, [0]);
});

test('garbage and oversize frames from the host are answered and survived', async (t) => {
  const { host, corral, problems } = await setup(t, { maxFrameBytes: 256 });
  host.write('this is not json\n');
  host.write(Buffer.from([0xff, 0x00, 0xfe, 0x0a]));
  host.write(`{"jsonrpc":"2.0","id":5,"method":"x","params":"${'y'.repeat(1000)}"}\n`);
  host.write('{"jsonrpc":"2.0","id":"q","method":7}\n');
  host.write('[1,2]\n');
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push((await host.next((f) => f.kind === 'response')).message);
  assert.deepEqual(
    answers.map((a) => ('error' in a ? [a.id, a.error.code] : a)),
    [
      [null, ErrorCode.ParseError],
      [null, ErrorCode.ParseError],
      [null, ErrorCode.LimitExceeded],
      ['q', ErrorCode.InvalidRequest],
      [null, ErrorCode.InvalidRequest],
    ],
  );
  assert.equal(problems.length, 5);
  host.answer = () => ({ data: 'still here' });
  assert.equal(await corral.fs.read('/a'), 'still here');
});

test('a bad response fails its call at once', async (t) => {
  const { host, corral } = await setup(t);
  host.answer = (req) => {
    host.write(`{"jsonrpc":"2.0","id":${req.id},"result":{},"error":{"code":1,"message":"m"}}\n`);
    return NO_ANSWER;
  };
  await assert.rejects(corral.fs.read('/a'), /answered out of protocol/);
});

test('an oversize message from the extension is refused locally', async (t) => {
  const { host, corral } = await setup(t, { maxFrameBytes: 1024 });
  await assert.rejects(corral.fs.write('/a', 'x'.repeat(2000)), (e: CorralError) => {
    assert.ok(e instanceof LimitExceededError);
    assert.match(e.message, /over the 1024-byte frame limit/);
    return true;
  });
  await corral.log.info('x'.repeat(2000)); // refused too, but never rejects
  await corral.log.info('small');
  assert.deepEqual(params(await host.next()), { level: 'info', message: 'small' });
  assert.equal(host.frames.length, 1);
});

test('writes wait for the socket to drain instead of piling up in memory', async (t) => {
  const { host, corral } = await setup(t);
  host.hostSocket.pause();
  const line = 'x'.repeat(64 * 1024);
  const written = Array.from({ length: 64 }, () => corral.log.info(line));
  await new Promise((r) => setTimeout(r, 50));
  // Without backpressure all 4 MiB would sit in the socket's buffer now.
  assert.ok(host.socket.writableLength < 1024 * 1024, `${host.socket.writableLength} buffered`);
  host.hostSocket.resume();
  await Promise.all(written);
  await host.next((f) => f.kind === 'notification' && host.frames.length === 64);
  assert.equal(host.frames.length, 64);
});

test('when the host goes away, pending and later calls fail and logging stays quiet', async (t) => {
  const { host, corral, problems } = await setup(t);
  host.answer = () => NO_ANSWER;
  const pending = corral.fs.read('/a');
  await host.next();
  host.hostSocket.destroy();
  await assert.rejects(pending, /connection to the host is closed/);
  await assert.rejects(corral.fs.stat('/a'), /closed/);
  await corral.log.warn('nobody listens');
  assert.match(problems.join('\n'), /could not log/);
});

test('paths.resolve and every fs call take a path variable; what the host did not reveal is refused here', async (t) => {
  const env = {
    CORRAL_WORKSPACE: '/home/u/notes',
    CORRAL_DOWNLOADS: '/data/dl',
    CORRAL_EXTENSION_DATA: '/home/u/.local/share/corral/data/acme.x',
  };
  const { host, corral } = await setup(t, { env });
  assert.equal(corral.paths.resolve('${downloads}/report.csv'), '/data/dl/report.csv');
  assert.equal(corral.paths.resolve('${workspace}'), '/home/u/notes');
  assert.equal(corral.paths.resolve('${workspace}//a/./b/'), '/home/u/notes/a/b');
  assert.equal(corral.paths.resolve('/etc/hosts'), '/etc/hosts');
  host.answer = () => ({ data: 'x' });
  await corral.fs.read('${extensionData}/state.json');
  assert.deepEqual(params(await host.next()), {
    path: '/home/u/.local/share/corral/data/acme.x/state.json',
  });
  const refusals: [string, abstract new (...args: never[]) => CorralError, RegExp][] = [
    [
      '${documents}/a',
      PermissionDeniedError,
      /\$\{documents\} is not known to this extension: its manifest grants nothing there; add e\.g\. "read \$\{documents\}"/,
    ],
    ['${nope}/a', CorralError, /unknown variable \$\{nope\}; use one of \$\{workspace\}/],
    ['${workspace}notes', CorralError, /has text straight after \$\{workspace\}/],
    ['${workspace}/../x', CorralError, /leaves \$\{workspace\}/],
    ['notes.md', CorralError, /neither an absolute path nor a path variable/],
  ];
  for (const [path, type, message] of refusals) {
    assert.throws(
      () => corral.paths.resolve(path),
      (e: Error) => e instanceof type && message.test(e.message),
      path,
    );
    await assert.rejects(corral.fs.stat(path), message, path);
  }
  const other = await fakeHost();
  t.after(() => other.close());
  const closed = connect({ socket: other.socket, env: {}, exit: () => undefined });
  assert.throws(
    () => closed.paths.resolve('${workspace}/a'),
    (e: Error) => e instanceof NotFoundError && /no folder is open/.test(e.message),
  );
  closed.close();
});
