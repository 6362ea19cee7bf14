// The Python SDK under `npm test`: its own unittest suite, and a real Python extension on fd 3
// driven by a host that checks every frame it sends against the protocol's zod schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import type net from 'node:net';
import { promisify } from 'node:util';
import { checkParams, isMethodName } from '../../../app/protocol/index.ts';
import { hostOn } from '../../../sdk/node/test/fake-host.ts';

const root = new URL('../../../', import.meta.url).pathname;
// No __pycache__ in the source tree.
const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };

test('python3 -m unittest discover -s sdk/python passes', async () => {
  const result = await promisify(execFile)(
    'python3',
    ['-m', 'unittest', 'discover', '-s', 'sdk/python'],
    { cwd: root, env, timeout: 60_000 },
  ).catch((err: { stderr?: string; message: string }) => assert.fail(err.stderr ?? err.message));
  assert.match(result.stderr, /\nOK\n?$/);
});

test('a Python extension on fd 3 speaks the protocol exactly as the schemas say', async () => {
  const child = spawn('python3', ['sdk/python/fixtures/count_extension.py'], {
    cwd: root,
    env: { ...env, CORRAL_FD: '3' },
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit');
  const host = hostOn(child.stdio[3] as net.Socket);
  host.answer = (req) => (req.method === 'fs/read' ? { data: 'one two three four' } : {});

  const init = await host.call('initialize', {
    protocolVersion: 1,
    extension: { id: 'acme.count', version: '0.1.0' },
    workspace: null,
  });
  assert.deepEqual(init, { jsonrpc: '2.0', id: 1000, result: {} });
  const count = await host.call('command/execute', { command: 'demo.count', args: ['/w/a.md'] });
  assert.deepEqual(count, { jsonrpc: '2.0', id: 1001, result: 4 });
  assert.deepEqual(await host.call('shutdown'), { jsonrpc: '2.0', id: 1002, result: {} });
  const [code] = await exited;
  assert.equal(code, 0, stderr);

  const sent = host.frames.filter((f) => f.kind !== 'response').map((f) => f.message);
  assert.deepEqual(
    sent.map((m) => ('method' in m ? m.method : '')),
    ['log', 'ipc/publish', 'fs/read'],
  );
  for (const m of sent) {
    assert.ok('method' in m && isMethodName(m.method));
    const checked = checkParams(m.method, m.params);
    assert.ok(checked.ok, checked.ok ? '' : checked.error.message);
  }
  assert.deepEqual(host.errors, []);
});
