// The Node SDK in a real extension process: the socket arrives as fd 3 (CORRAL_FD), as the host
// will pass it, and `shutdown` ends the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type net from 'node:net';
import { hostOn } from './fake-host.ts';

const extension = new URL('./fixtures/count-extension.ts', import.meta.url).pathname;

function start(stdio: ('pipe' | 'ignore')[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', extension], {
    stdio,
    env: { ...process.env, CORRAL_FD: '3', ...env },
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return { child, stderr: () => stderr };
}

test('an extension on fd 3: initialize, a command that calls the host, shutdown and exit 0', async () => {
  const { child, stderr } = start(['ignore', 'ignore', 'pipe', 'pipe']);
  const host = hostOn(child.stdio[3] as net.Socket);
  host.answer = (req) => (req.method === 'fs/read' ? { data: 'one two  three\n' } : {});
  const exited = once(child, 'exit');

  const init = await host.call('initialize', {
    protocolVersion: 1,
    extension: { id: 'acme.count', version: '0.1.0' },
    workspace: '/w',
  });
  assert.deepEqual(init, { jsonrpc: '2.0', id: 1000, result: {} });
  assert.deepEqual((host.frames[0]?.message as { params: unknown }).params, {
    level: 'info',
    message: 'hello from acme.count',
  });

  const count = await host.call('command/execute', { command: 'demo.count', args: ['/w/a.md'] });
  assert.deepEqual(count, { jsonrpc: '2.0', id: 1001, result: 3 });
  assert.deepEqual(host.frames.find((f) => f.kind === 'request')?.message, {
    jsonrpc: '2.0',
    id: 1,
    method: 'fs/read',
    params: { path: '/w/a.md' },
  });

  assert.deepEqual(await host.call('shutdown', {}), { jsonrpc: '2.0', id: 1002, result: {} });
  const [code] = await exited;
  assert.equal(code, 0, stderr());
  assert.equal(stderr(), '');
});

test('started outside Corral, the extension fails with one line saying how to start it', async () => {
  const { child, stderr } = start(['ignore', 'ignore', 'pipe']);
  const [code] = await once(child, 'exit');
  assert.notEqual(code, 0);
  assert.match(
    stderr(),
    /file descriptor 3 is not a socket from Corral .*start the extension with "corral run"/,
  );
});
