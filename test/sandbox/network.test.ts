// Network isolation: a private network namespace with only a loopback (the host's listeners,
// TCP or abstract unix, are out of reach), no TCP bind or connect inside it (Landlock), and the
// proxy relay: 127.0.0.1:PORT inside, carried to a unix socket on the host.
import assert from 'node:assert/strict';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
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

describe('proxy listener', { skip }, () => {
  const PORT = 3128;
  let connections = 0;
  /** Stands in for the filtering proxy: echoes every byte, and says "bye" once the client has
   * finished sending (so a half-close must cross in both directions). */
  const echo = (fd: number) => {
    const server = createServer({ allowHalfOpen: true }, (s) => {
      connections++;
      s.on('data', (d) => s.write(d));
      s.on('end', () => s.end('bye'));
      s.on('error', () => {});
    });
    server.listen({ fd });
    servers.push(server);
  };
  const servers: Server[] = [];
  after(() => servers.forEach((server) => server.close()));

  /** The policy with a proxy listener (or none), run by Node with `script`. */
  function proxied(script: string, args: string[], listener: ((fd: number) => void) | null) {
    const plan = planFor({ exec: startup(node) });
    return runSandboxed(
      stage,
      listener ? { ...plan, proxyListener: { port: PORT } } : plan,
      node,
      ['-e', script, ...args],
      listener ? { proxyListener: listener } : {},
    );
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
    const r = await proxied(clients, [String(PORT), '1', '5'], echo);
    assert.equal(r.stdout, '1 none\n', r.stderr);
    assert.equal(connections, before + 1);
    assert.equal(r.status.at(-1), 'exit code 0');
  });

  it('carries many connections at once, byte for byte', async () => {
    const r = await proxied(clients, [String(PORT), '100', String(256 * 1024)], echo);
    assert.equal(r.stdout, '100 none\n', r.stderr);
  });

  it('without the directive the port leads nowhere, and no other port is open with it', async () => {
    const before = connections;
    const none = await proxied(connect, ['127.0.0.1', String(PORT)], null);
    assert.equal(none.stdout, 'EACCES\n', none.stderr); // no Landlock rule for the port
    const other = await proxied(connect, ['127.0.0.1', String(PORT + 1)], echo);
    assert.equal(other.stdout, 'EACCES\n', other.stderr);
    assert.equal(connections, before);
  });

  it("is the host's alone: the command can neither bind the port nor hold the socket", async () => {
    let inode = -1;
    const script = `
      const fs = require('node:fs');
      const mine = fs.readdirSync('/proc/self/fd').map((fd) => {
        try { return fs.readlinkSync('/proc/self/fd/' + fd); } catch { return ''; }
      });
      const s = require('node:net').createServer().listen(${PORT}, '127.0.0.1');
      s.on('listening', () => { console.log('bound'); process.exit(); });
      s.on('error', (e) => console.log(e.code, JSON.stringify(mine)));`;
    const r = await proxied(script, [], (fd) => {
      inode = fstatSync(fd).ino;
      echo(fd);
    });
    const [code, fds] = r.stdout.trim().split(' ');
    assert.equal(code, 'EACCES', r.stderr); // Landlock: no TCP bind
    assert.ok(inode > 0, 'the host received the listener');
    assert.ok(!(JSON.parse(fds ?? '[]') as string[]).includes(`socket:[${inode}]`), fds);
  });

  it('refuses a descriptor that is not open, is its own, is kept, or is not a socket', async () => {
    const plan = planFor({ exec: startup('/usr/bin/true') });
    const notSocket = openSync('/dev/null', 'r');
    after(() => closeSync(notSocket));
    const policy = (...lines: string[]) =>
      renderPolicy(plan).replace('end\n', `${lines.join('\n')}\nend\n`);
    const cases: [string, RegExp, number[]][] = [
      [policy(`proxy-listen ${PORT} 9`), /proxy-listen descriptor 9: Bad file descriptor\n$/, []],
      [
        policy(`proxy-listen ${PORT} 4`),
        /proxy-listen names the helper's own policy or status descriptor\n$/,
        [],
      ],
      [
        policy(`proxy-listen ${PORT} 5`, 'keep-fd 5'),
        /keep-fd names the proxy-listen descriptor again\n$/,
        [notSocket],
      ],
      [
        policy(`proxy-listen ${PORT} 5`),
        // musl and glibc word ENOTSOCK differently
        /the proxy for permissions\.net on 127\.0\.0\.1:3128: (Not a socket|Socket operation on non-socket)\n$/,
        [notSocket],
      ],
    ];
    for (const [text, reason, extraFds] of cases) {
      const r = await runSandboxed(stage, text, '/usr/bin/true', [], { extraFds });
      assert.equal(r.code, 125, r.stderr);
      assert.match(r.stderr, reason);
    }
  });
});
