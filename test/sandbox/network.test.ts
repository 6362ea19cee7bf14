// Network isolation: a private network namespace with only a loopback (the host's listeners,
// TCP or abstract unix, are out of reach), and Landlock's TCP port rules inside it.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import {
  asRunUser,
  missingLayers,
  planFor,
  runSandboxed,
  runShell,
  stageSandbox,
  startup,
} from './harness.ts';

const stage = stageSandbox();
after(() => stage.cleanup());
const skip = missingLayers(stage);

const node = '/usr/bin/node';
/** Node inside the sandbox, with TCP rules; prints what the connection attempt answered. */
function nodeIn(script: string, args: string[], tcp: { connect?: number[]; bind?: number[] } = {}) {
  const plan = planFor({ exec: startup(node), tcpConnect: tcp.connect, tcpBind: tcp.bind });
  return runSandboxed(stage, plan, node, ['-e', script, ...args]);
}

const connect = `
const net = require('node:net');
const [host, port] = process.argv.slice(1);
const target = port ? { host, port: Number(port) } : { path: host.replace(/^@/, '\\0') };
const c = net.connect(target, () => { console.log('connected'); c.destroy(); });
c.on('error', (e) => console.log(e.code));
`;

const listenAndConnect = `
const net = require('node:net');
const port = Number(process.argv[1]);
const server = net.createServer((s) => s.end('pong'));
server.on('error', (e) => { console.log('listen ' + e.code); process.exit(0); });
server.listen(port, '127.0.0.1', () => {
  const c = net.connect(port, '127.0.0.1');
  c.on('data', (d) => { console.log('reply ' + d); process.exit(0); });
  c.on('error', (e) => { console.log('connect ' + e.code); process.exit(0); });
});
`;

/** The same attempt from the host, unconfined, as the run-as user: the target is reachable. */
function fromHost(args: string[]): string {
  const [file, argv] = asRunUser(node, ['-e', connect, ...args]);
  return spawnSync(file, argv, { encoding: 'utf8' }).stdout;
}

describe('network isolation', { skip }, () => {
  let tcp: Server;
  let abstract: Server;
  const accepted = { tcp: 0, abstract: 0 };
  const abstractName = `corral-test-${process.pid}-${Date.now()}`;
  before(async () => {
    const listen = (server: Server, ...args: unknown[]) =>
      new Promise<void>((resolve) => server.listen(...(args as []), () => resolve()));
    tcp = createServer((s) => (accepted.tcp++, s.destroy()));
    abstract = createServer((s) => (accepted.abstract++, s.destroy()));
    await listen(tcp, 0, '127.0.0.1');
    await listen(abstract, `\0${abstractName}`);
  });
  after(() => {
    tcp.close();
    abstract.close();
  });

  it("cannot reach a listener on the host's 127.0.0.1, even with its port granted", async () => {
    const port = (tcp.address() as { port: number }).port;
    const host = await runSandboxed(stage, planFor({ exec: startup(node) }), node, [
      '-e',
      connect,
      '127.0.0.1',
      String(port),
    ]);
    assert.equal(host.stdout, 'EACCES\n', host.stderr); // Landlock: no connect rule
    const granted = await nodeIn(connect, ['127.0.0.1', String(port)], { connect: [port] });
    assert.equal(granted.stdout, 'ECONNREFUSED\n', granted.stderr); // a loopback of its own
    assert.equal(accepted.tcp, 0);
    assert.equal(fromHost(['127.0.0.1', String(port)]), 'connected\n');
  });

  it("cannot reach the host's abstract unix sockets", async () => {
    const r = await nodeIn(connect, [`@${abstractName}`]);
    assert.equal(r.stdout, 'ECONNREFUSED\n', r.stderr);
    assert.equal(accepted.abstract, 0);
    assert.equal(fromHost([`@${abstractName}`]), 'connected\n');
  });

  it('listens and connects on loopback only on the granted ports (Landlock TCP rules)', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const none = await nodeIn(listenAndConnect, [String(port)]);
    assert.equal(none.stdout, 'listen EACCES\n', none.stderr);
    const bindOnly = await nodeIn(listenAndConnect, [String(port)], { bind: [port] });
    assert.equal(bindOnly.stdout, 'connect EACCES\n', bindOnly.stderr);
    const both = await nodeIn(listenAndConnect, [String(port)], { bind: [port], connect: [port] });
    assert.equal(both.stdout, 'reply pong\n', both.stderr);
  });

  it('has no interface but loopback', async () => {
    const r = await runShell(stage, "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
    assert.equal(r.stdout, 'lo\n', r.stderr);
  });
});
