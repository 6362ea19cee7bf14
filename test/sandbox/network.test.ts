// Network isolation: a private network namespace with only a loopback (the host's listeners,
// TCP or abstract unix, are out of reach), no TCP bind or connect inside it (Landlock), and the
// proxy relay: 127.0.0.1:PORT inside, carried to a unix socket on the host.
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { renderPolicy } from '../../app/sandbox/wire.ts';
import {
  asRunUser,
  missingLayers,
  planFor,
  runSandboxed,
  runShell,
  stageSandbox,
  startup,
  type PlanOptions,
} from './harness.ts';

const stage = stageSandbox();
after(() => stage.cleanup());
const skip = missingLayers(stage);

const node = '/usr/bin/node';
/** Node inside the sandbox; prints what the connection attempt answered. */
function nodeIn(script: string, args: string[]) {
  return runSandboxed(stage, planFor({ exec: startup(node) }), node, ['-e', script, ...args]);
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

  it("cannot reach a listener on the host's 127.0.0.1", async () => {
    const port = (tcp.address() as { port: number }).port;
    const host = await nodeIn(connect, ['127.0.0.1', String(port)]);
    assert.equal(host.stdout, 'EACCES\n', host.stderr); // Landlock: no TCP connect at all
    assert.equal(accepted.tcp, 0);
    assert.equal(fromHost(['127.0.0.1', String(port)]), 'connected\n');
  });

  it("cannot reach the host's abstract unix sockets", async () => {
    const r = await nodeIn(connect, [`@${abstractName}`]);
    assert.equal(r.stdout, 'ECONNREFUSED\n', r.stderr);
    assert.equal(accepted.abstract, 0);
    assert.equal(fromHost([`@${abstractName}`]), 'connected\n');
  });

  it('binds no TCP port inside its own loopback either (Landlock handles TCP bind)', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const none = await nodeIn(listenAndConnect, [String(port)]);
    assert.equal(none.stdout, 'listen EACCES\n', none.stderr);
    const outside = spawnSync(...asRunUser(node, ['-e', listenAndConnect, String(port)]), {
      encoding: 'utf8',
    });
    assert.equal(outside.stdout, 'reply pong\n', outside.stderr);
  });

  it('has no interface but loopback', async () => {
    const r = await runShell(stage, "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
    assert.equal(r.stdout, 'lo\n', r.stderr);
  });
});

describe('proxy relay', { skip }, () => {
  const RELAY_PORT = 3128;
  const sockets = stage.dir('relay');
  const proxyPath = join(sockets, 'proxy.sock');
  let proxy: Server;
  let connections = 0;
  before(async () => {
    // Stands in for the filtering proxy: echoes every byte, and says "bye" once the client has
    // finished sending (so a half-close must cross the relay in both directions).
    proxy = createServer((s) => {
      connections++;
      s.on('data', (d) => s.write(d));
      s.on('end', () => s.end('bye'));
      s.on('error', () => {});
    });
    await new Promise<void>((resolve) => proxy.listen(proxyPath, resolve));
    chmodSync(proxyPath, 0o666); // the helper runs as nobody in the second pass
  });
  after(() => proxy.close());

  /** The policy with a relay to `socket` (or none), run by Node with `script`. */
  function relayed(
    script: string,
    args: string[],
    socket: string | null,
    o: Partial<PlanOptions> = {},
  ) {
    const plan = planFor({ exec: startup(node), ...o });
    const text = renderPolicy(
      socket ? { ...plan, proxyRelay: { port: RELAY_PORT, socketPath: socket } } : plan,
    );
    return runSandboxed(stage, text, node, ['-e', script, ...args]);
  }

  // Each of N clients sends SIZE bytes, half-closes, and checks that it got them back, then "bye".
  const clients = `
    const net = require('node:net');
    const [port, n, size] = process.argv.slice(1).map(Number);
    const results = [];
    for (let i = 0; i < n; i++) {
      const sent = Buffer.alloc(size, i % 251);
      const got = [];
      let error = null;
      const c = net.connect(port, '127.0.0.1', () => c.end(sent));
      c.on('data', (d) => got.push(d));
      c.on('error', (e) => (error = e.code));
      c.on('close', () => {
        const all = Buffer.concat(got);
        const ok = all.subarray(0, size).equals(sent) && all.subarray(size).toString() === 'bye';
        results.push(ok ? 'ok' : error ?? 'got ' + all.length + ' bytes');
        if (results.length === n) {
          const failed = results.filter((r) => r !== 'ok');
          console.log(n - failed.length, [...new Set(failed)].sort().join(',') || 'none');
        }
      });
    }`;

  it('reaches the host proxy through 127.0.0.1:PORT, half-close and all', async () => {
    const before = connections;
    const r = await relayed(clients, [String(RELAY_PORT), '1', '5'], proxyPath);
    assert.equal(r.stdout, '1 none\n', r.stderr);
    assert.equal(connections, before + 1);
    assert.equal(r.status.at(-1), 'exit code 0');
  });

  it('carries many connections at once, byte for byte, past the cap of 32', async () => {
    const r = await relayed(clients, [String(RELAY_PORT), '100', String(256 * 1024)], proxyPath, {
      limits: { timeoutMs: 30_000 },
    });
    assert.equal(r.stdout, '100 none\n', r.stderr);
  });

  it('without the directive the port leads nowhere, and no other port is open with it', async () => {
    const before = connections;
    const none = await relayed(connect, ['127.0.0.1', String(RELAY_PORT)], null);
    assert.equal(none.stdout, 'EACCES\n', none.stderr); // no Landlock rule for the port
    const other = await relayed(connect, ['127.0.0.1', String(RELAY_PORT + 1)], proxyPath);
    assert.equal(other.stdout, 'EACCES\n', other.stderr);
    assert.equal(connections, before);
  });

  it('closes a connection it cannot relay (no proxy there), and nothing else changes', async () => {
    const r = await relayed(clients, [String(RELAY_PORT), '3', '5'], join(sockets, 'absent.sock'));
    assert.match(r.stdout, /^0 (ECONNRESET|got 0 bytes)/, r.stderr);
    assert.equal(r.code, 0);
  });

  it('keeps the wall clock while a relayed connection is stuck', async () => {
    // The client sends 64 MiB and never reads: the echo fills every buffer on the way and the
    // relay stops reading; the supervisor must still end the sandbox at its timeout.
    const stuck = `
      const c = require('node:net').connect(${RELAY_PORT}, '127.0.0.1', () => {
        c.pause();
        c.write(Buffer.alloc(64 * 1024 * 1024));
      });
      setInterval(() => {}, 1000);`;
    const r = await relayed(stuck, [], proxyPath, { limits: { timeoutMs: 1_500 } });
    assert.equal(r.code, 137, r.stderr);
    assert.deepEqual(r.status.slice(-2), ['limit timeout 1500', 'exit signal 9']);
    assert.ok(r.ms < 4_000, `took ${r.ms} ms`);
  });

  it('refuses a socket in a writable grant, and a path too long for a unix socket', async () => {
    const rw = stage.dir('relay-rw', { writable: true });
    const inGrant = renderPolicy({
      ...planFor({ exec: ['/usr/bin/true'], rw: [rw] }),
      proxyRelay: { port: RELAY_PORT, socketPath: join(rw, 'proxy.sock') },
    });
    const a = await runSandboxed(stage, inGrant, '/usr/bin/true');
    assert.equal(a.code, 125);
    assert.match(a.stderr, /the proxy-relay socket lies in a writable grant\n$/);
    const long = renderPolicy(planFor({ exec: ['/usr/bin/true'] })).replace(
      'end\n',
      `proxy-relay ${RELAY_PORT} /${'x'.repeat(120)}\nend\n`,
    );
    const b = await runSandboxed(stage, long, '/usr/bin/true');
    assert.equal(b.code, 125);
    assert.match(b.stderr, /a unix socket path has at most 107 bytes\n$/);
  });
});
