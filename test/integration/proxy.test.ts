// The network proxy as sandboxed tools use it, against real local servers: HTTPS through CONNECT
// verified against a throw-away CA, plain HTTP forwarded, and every refusal (policy, DNS
// rebinding, SNI mismatch, chained CONNECT, smuggling, huge or slow heads, too many connections,
// garbage) answered, audited, and survived. Only 127.0.0.1 and ::1 are ever dialled.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import fc from 'fast-check';
import { auditEventSchema, type AuditEventInput } from '../../app/audit-event/event.ts';
import { startProxy, type ProxyLimits, type RunningProxy } from '../../app/net/proxy.ts';
import {
  captureClientHello,
  connectTunnel,
  deciderFor,
  dial,
  eventually,
  exchange,
  fakeLookup,
  guardLoopbackOnly,
  httpsOverTunnel,
  localServer,
  makeCert,
  statusOf,
  type LocalServer,
  type ProxyAt,
  type TestCert,
  viaProxy,
} from '../unit/net/support.ts';

// A proxy that stops answering must fail the suite, not hang it.
const LIMIT = { timeout: 15_000 };

let cert: TestCert;
let secure: LocalServer;
let plain: LocalServer;
let dir: string;
let guard: ReturnType<typeof guardLoopbackOnly>;
const audit: AuditEventInput[] = [];
const open: RunningProxy[] = [];

before(async () => {
  cert = makeCert();
  secure = await localServer(cert);
  plain = await localServer();
  dir = mkdtempSync(join(tmpdir(), 'corral-px-'));
  guard = guardLoopbackOnly();
});
after(async () => {
  await Promise.all(open.map((p) => p.close()));
  guard.restore();
  await secure.close();
  await plain.close();
  rmSync(dir, { recursive: true, force: true });
  // Every event the proxy produced is a valid audit event once the sink stamps it.
  for (const e of audit) auditEventSchema.parse({ seq: 0, ts: new Date().toISOString(), ...e });
});

let sockets = 0;
/** A proxy on a fresh unix socket (or loopback TCP), with the suite's grants and resolver. */
async function proxy(
  limits: Partial<ProxyLimits> = {},
  tcp = false,
  extraGrants: { host: string; ports: number[] }[] = [],
): Promise<{ at: ProxyAt; events: AuditEventInput[]; proxy: RunningProxy }> {
  const events: AuditEventInput[] = [];
  const ports = [secure.port, plain.port];
  const p = await startProxy({
    listen: tcp ? { host: '127.0.0.1', port: 0 } : { path: join(dir, `p${sockets++}.sock`) },
    decider: deciderFor([
      { host: 'api.github.test', ports },
      { host: 'rebind.test', ports },
      { host: 'private.test', ports },
      { host: 'meta.test', ports },
      ...extraGrants,
    ]),
    ext: 'acme.tools',
    onAudit: (e) => {
      events.push(e);
      audit.push(e);
    },
    grantsAllowLocal: ['api.github.test'],
    lookup: fakeLookup({
      'api.github.test': ['127.0.0.1'],
      'rebind.test': ['127.0.0.1'],
      'private.test': ['10.1.2.3'],
      'meta.test': ['169.254.169.254'],
    }),
    limits: {
      maxConnections: 16,
      headerTimeoutMs: 2000,
      idleTimeoutMs: 5000,
      headerBytes: 4096,
      ...limits,
    },
  });
  open.push(p);
  return { at: p.address, events, proxy: p };
}

const last = (events: AuditEventInput[]) => events.at(-1)!;

describe('allowed traffic', LIMIT, () => {
  test('HTTPS through CONNECT reaches the granted host, TLS verified end to end', async () => {
    const { at, events } = await proxy();
    const dialled = guard.targets.length;
    const t = await connectTunnel(at, `api.github.test:${secure.port}`);
    assert.equal(t.status, 200);
    const r = await httpsOverTunnel(t.socket, 'api.github.test', cert.cert, '/repos?page=2');
    assert.deepEqual(r, { status: 200, body: 'hello /repos?page=2' });
    assert.deepEqual(guard.targets.slice(dialled), ['127.0.0.1']);
    const e = last(events);
    assert.deepEqual(
      { ...e, durationUs: typeof e.durationUs },
      {
        ext: 'acme.tools',
        kind: 'net',
        layer: 'broker',
        op: 'connect',
        target: `api.github.test:${secure.port}`,
        decision: 'allow',
        reason: 'grant net[0]; api.github.test granted local → 127.0.0.1 (loopback)',
        durationUs: 'number',
      },
    );
  });

  test('plain HTTP is forwarded without proxy credentials or hop-by-hop fields', async () => {
    const { at, events } = await proxy();
    const authority = `api.github.test:${plain.port}`;
    const r = await viaProxy(at, `http://API.github.test:${plain.port}/p?q=1`, {
      Host: authority,
      'Proxy-Authorization': 'Basic c2VjcmV0',
      'Proxy-Connection': 'keep-alive',
      Connection: 'close, X-Hop',
      'X-Hop': 'for the proxy only',
      'X-Kept': 'yes',
    });
    assert.deepEqual(r, { status: 200, body: 'hello /p?q=1' });
    const seen = plain.seen.at(-1)!;
    assert.equal(seen.url, '/p?q=1');
    assert.equal(seen.headers.host, authority);
    assert.equal(seen.headers['x-kept'], 'yes');
    assert.equal(seen.headers.via, '1.1 corral');
    for (const gone of ['proxy-authorization', 'proxy-connection', 'x-hop'])
      assert.equal(seen.headers[gone], undefined, gone);
    assert.deepEqual(
      [last(events).op, last(events).target, last(events).decision],
      ['GET', authority, 'allow'],
    );
  });

  test('request bodies arrive whole, by Content-Length or chunked', async () => {
    const { at } = await proxy();
    const url = `http://api.github.test:${plain.port}/upload`;
    const host = { Host: `api.github.test:${plain.port}` };
    await viaProxy(at, url, { ...host, 'Content-Length': '11' }, 'hello world');
    assert.equal(plain.seen.at(-1)!.body, 'hello world');
    await viaProxy(at, url, { ...host, 'Transfer-Encoding': 'chunked' }, 'x'.repeat(70_000));
    assert.equal(plain.seen.at(-1)!.body, 'x'.repeat(70_000));
  });

  test('a ClientHello sent together with the CONNECT is judged and passed on', async () => {
    const { at, events } = await proxy();
    const hello = await captureClientHello({ servername: 'api.github.test' });
    const s = await dial(at);
    const answer = new Promise<Buffer>((resolve) => {
      let buf = Buffer.alloc(0);
      s.on('data', (c: Buffer) => {
        buf = Buffer.concat([buf, c]);
        const end = buf.indexOf('\r\n\r\n');
        if (end > 0 && buf.length > end + 4) resolve(buf.subarray(end + 4));
      });
    });
    s.write(
      Buffer.concat([
        Buffer.from(`CONNECT api.github.test:${secure.port} HTTP/1.1\r\n\r\n`),
        hello,
      ]),
    );
    assert.equal((await answer)[0], 0x16, 'the server answered with a TLS handshake record');
    s.destroy();
    assert.equal(last(events).decision, 'allow');
  });
});

describe('refusals', LIMIT, () => {
  test('a host outside the allowlist gets 403 and an audited denial', async () => {
    const { at, events } = await proxy();
    const dialled = guard.targets.length;
    const t = await connectTunnel(at, 'evil.test:443');
    assert.equal(t.status, 403);
    t.socket.destroy();
    const r = await viaProxy(at, 'http://evil.test/', { Host: 'evil.test' });
    assert.equal(r.status, 403);
    assert.match(r.body, /no grant covers evil\.test:80/);
    assert.deepEqual(guard.targets.slice(dialled), []);
    assert.deepEqual(
      events.map((e) => [e.op, e.target, e.decision, e.reason]),
      [
        ['connect', 'evil.test:443', 'deny', 'no grant covers evil.test:443'],
        ['GET', 'evil.test:80', 'deny', 'no grant covers evil.test:80'],
      ],
    );
  });

  test('DNS rebinding onto loopback, private or metadata addresses is refused before connecting', async () => {
    const { at, events } = await proxy();
    const dialled = guard.targets.length;
    for (const [name, address, cls] of [
      ['rebind.test', '127.0.0.1', 'loopback'],
      ['private.test', '10.1.2.3', 'private'],
      ['meta.test', '169.254.169.254', 'cloud-metadata'],
    ]) {
      const t = await connectTunnel(at, `${name}:${secure.port}`);
      assert.equal(t.status, 403, name);
      t.socket.destroy();
      assert.equal(
        last(events).reason,
        `${name} resolved to ${address} (${cls}), which no grant allows`,
      );
    }
    assert.deepEqual(guard.targets.slice(dialled), [], 'nothing was dialled');
  });

  test('a loopback target is refused unless granted, and the proxy itself always', async () => {
    const { at, events } = await proxy({}, true);
    const t = await connectTunnel(at, `127.0.0.1:${secure.port}`);
    assert.equal(t.status, 403);
    t.socket.destroy();
    assert.equal(last(events).reason, `no grant covers 127.0.0.1:${secure.port}`);
    // A policy that grants all of 127.0.0.1 still cannot make the proxy connect to itself.
    const loose = await startProxy({
      listen: { host: '127.0.0.1', port: 0 },
      decider: (r) =>
        r.kind === 'net' && r.host === '127.0.0.1'
          ? { decision: 'allow', reason: 'grant net[0]' }
          : { decision: 'deny', reason: 'no grant' },
      ext: 'acme.tools',
      onAudit: (e) => events.push(e),
    });
    open.push(loose);
    const own = loose.address as { host: string; port: number };
    for (const target of [`127.0.0.1:${own.port}`, `[::ffff:127.0.0.1]:${own.port}`]) {
      const s = await connectTunnel(own, target);
      assert.equal(s.status, 403, target);
      s.socket.destroy();
      assert.equal(last(events).reason, 'the target is the proxy itself');
    }
    const r = await viaProxy(own, `http://127.0.0.1:${own.port}/`, {
      Host: `127.0.0.1:${own.port}`,
    });
    assert.equal(r.status, 403);
  });

  test('a tunnel whose ClientHello names another server is closed and audited', async () => {
    const { at, events } = await proxy();
    for (const [servername, reason] of [
      [
        'other.test',
        `the ClientHello names other.test, but the CONNECT was for api.github.test:${secure.port}`,
      ],
      [
        '',
        `the ClientHello names no server, but the CONNECT was for api.github.test:${secure.port}`,
      ],
    ]) {
      const t = await connectTunnel(at, `api.github.test:${secure.port}`);
      assert.equal(t.status, 200);
      const closed = new Promise((resolve) => t.socket.once('close', resolve));
      const c = tls.connect({ socket: t.socket, servername, ca: cert.cert });
      const failed = await new Promise<boolean>((resolve) => {
        c.once('secureConnect', () => resolve(false));
        c.once('error', () => resolve(true));
        c.once('close', () => resolve(true));
      });
      assert.ok(failed, 'the handshake must not complete');
      await closed;
      assert.deepEqual([last(events).decision, last(events).reason], ['deny', reason]);
    }
  });

  test('a CONNECT inside a CONNECT, or plain text in a tunnel, is closed and audited', async () => {
    const { at, events } = await proxy();
    const cases: [payload: string, reason: string][] = [
      ['CONNECT evil.test:443 HTTP/1.1\r\n\r\n', 'a CONNECT inside a CONNECT (a chained proxy)'],
      [
        'GET / HTTP/1.1\r\n\r\n',
        'the tunnel does not start with a TLS ClientHello (CONNECT carries TLS only)',
      ],
      [
        '\x16\x03\x01\x00\x05\x02\x00\x00\x01\x00',
        'not a valid TLS ClientHello: not a ClientHello',
      ],
    ];
    for (const [payload, reason] of cases) {
      const t = await connectTunnel(at, `api.github.test:${secure.port}`);
      assert.equal(t.status, 200);
      const closed = new Promise((resolve) => t.socket.once('close', resolve));
      // Byte by byte: the proxy must wait for enough of a prefix to judge it.
      for (const ch of payload) t.socket.write(Buffer.from(ch, 'latin1'));
      await closed;
      assert.deepEqual([last(events).decision, last(events).reason], ['deny', reason]);
    }
  });

  test('relayed and looping requests are refused', async () => {
    const { at, events } = await proxy();
    const relayed = await connectTunnel(
      at,
      `api.github.test:${secure.port}`,
      'Via: 1.1 upstream\r\n',
    );
    assert.equal(relayed.status, 403);
    relayed.socket.destroy();
    assert.equal(last(events).reason, 'a relayed CONNECT (it carries Via or Forwarded)');
    const url = `http://api.github.test:${plain.port}/`;
    const loop = await exchange(
      at,
      `GET ${url} HTTP/1.1\r\nHost: api.github.test:${plain.port}\r\nVia: 1.1 corral\r\n\r\n`,
    );
    assert.equal(statusOf(loop), 508);
  });

  test('request-smuggling shapes, Host mismatches and garbage get 400 and a closed connection', async () => {
    const { at, events } = await proxy();
    const target = `http://api.github.test:${plain.port}/`;
    const host = `Host: api.github.test:${plain.port}\r\n`;
    const before = plain.seen.length;
    const shapes = [
      `POST ${target} HTTP/1.1\r\n${host}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      `POST ${target} HTTP/1.1\r\n${host}Content-Length: 4\r\nContent-Length: 40\r\n\r\nabcd`,
      `GET ${target} HTTP/1.1\r\n${host}X-A: 1\r\n folded: yes\r\n\r\n`,
      `GET ${target} HTTP/1.1\r\n${host}Transfer-Encoding : chunked\r\n\r\n`,
      `GET ${target} HTTP/1.1\nHost: x\n\n`,
      `GET ${target} HTTP/1.1\r\nHost: evil.test\r\n\r\n`,
      `GET / HTTP/1.1\r\n${host}\r\n`,
      '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03',
      'SSH-2.0-OpenSSH_9.6\r\n',
      '\0\0\0\0',
    ];
    for (const bytes of shapes) {
      const answer = await exchange(at, bytes);
      assert.equal(statusOf(answer), 400, JSON.stringify(bytes));
    }
    assert.equal(plain.seen.length, before, 'nothing reached the server');
    assert.ok(events.slice(-shapes.length).every((e) => e.decision === 'deny'));
  });

  test('a malformed chunked body is cut off, never forwarded past its end', async () => {
    const { at, events } = await proxy();
    const head = `POST http://api.github.test:${plain.port}/ HTTP/1.1\r\nHost: api.github.test:${plain.port}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    await exchange(at, `${head}5\r\nhello\r\n0x10\r\n`);
    assert.match(last(events).reason, /a malformed chunked body/);
  });

  test('an absurd head gets 431, a slow one 408, and neither stalls other clients', async () => {
    const { at, events } = await proxy({ headerTimeoutMs: 300, headerBytes: 1024 });
    const huge = `GET http://api.github.test/ HTTP/1.1\r\nX-Big: ${'a'.repeat(5000)}\r\n\r\n`;
    assert.equal(statusOf(await exchange(at, huge)), 431);
    const slow = await dial(at);
    const slowAnswer = new Promise<string>((resolve) => {
      let text = '';
      slow.on('data', (c: Buffer) => (text += c.toString()));
      slow.on('close', () => resolve(text));
    });
    const started = Date.now();
    slow.write('GET http://api.github.test/ HTTP/1.1\r\n');
    const drip = setInterval(() => slow.writable && slow.write('X-Drip: 1\r\n'), 50);
    // Meanwhile another client is served at once.
    const t = await connectTunnel(at, `api.github.test:${secure.port}`);
    const ok = await httpsOverTunnel(t.socket, 'api.github.test', cert.cert, '/meanwhile');
    assert.equal(ok.status, 200);
    const answer = await slowAnswer;
    clearInterval(drip);
    assert.equal(statusOf(answer), 408);
    assert.ok(Date.now() - started < 2000, 'the slow client was cut off by the head deadline');
    assert.ok(events.some((e) => e.reason === 'the request head did not arrive within 300 ms'));
  });

  test('beyond maxConnections a client gets 503, and service resumes when slots free up', async () => {
    const { at, events, proxy: p } = await proxy({ maxConnections: 3 });
    const held = await Promise.all([1, 2, 3].map(() => dial(at)));
    for (const s of held) {
      s.on('error', () => {});
      s.write('GET http://api.github.test/ HTTP/1.1\r\n');
    }
    await eventually(() => p.connections() === 3);
    const refused = await exchange(at, `CONNECT api.github.test:${secure.port} HTTP/1.1\r\n\r\n`);
    assert.equal(statusOf(refused), 503);
    assert.deepEqual(
      [last(events).layer, last(events).decision, last(events).outcome, last(events).reason],
      ['host', undefined, 'limit', 'too many connections (3 at most)'],
    );
    for (const s of held) s.destroy();
    await eventually(() => p.connections() === 0);
    const t = await connectTunnel(at, `api.github.test:${secure.port}`);
    assert.equal(t.status, 200);
    t.socket.destroy();
  });
});

describe('robustness', LIMIT, () => {
  test('the proxy survives arbitrary bytes and keeps serving', async () => {
    const { at, proxy: p } = await proxy({ headerTimeoutMs: 150 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 400 }),
          fc.string({ maxLength: 200 }).map((s) => Buffer.from(`CONNECT ${s}\r\n\r\n`)),
          fc.string({ maxLength: 200 }).map((s) => Buffer.from(`GET http://${s} HTTP/1.1\r\n\r\n`)),
        ),
        async (bytes) => {
          const answer = await exchange(at, Buffer.from(bytes), 3000);
          const status = statusOf(answer);
          assert.ok(status === null || status >= 400, answer.slice(0, 80));
        },
      ),
      { numRuns: 60 },
    );
    await eventually(() => p.connections() === 0);
    const t = await connectTunnel(at, `api.github.test:${secure.port}`);
    const r = await httpsOverTunnel(t.socket, 'api.github.test', cert.cert, '/still-here');
    assert.equal(r.body, 'hello /still-here');
  });

  test('close() ends open tunnels and stops listening', async () => {
    const { at, proxy: p } = await proxy();
    const t = await connectTunnel(at, `api.github.test:${secure.port}`);
    const c = tls.connect({ socket: t.socket, servername: 'api.github.test', ca: cert.cert });
    await new Promise((resolve) => c.once('secureConnect', resolve));
    const closed = new Promise((resolve) => c.once('close', resolve));
    await p.close();
    await closed;
    await assert.rejects(dial(at));
  });

  test('a connection that cannot be audited is closed, not let through', async () => {
    const errors: string[] = [];
    const p = await startProxy({
      listen: { path: join(dir, 'unaudited.sock') },
      decider: deciderFor([{ host: 'api.github.test', ports: [secure.port] }]),
      ext: 'acme.tools',
      onAudit: () => {
        throw new Error('the audit log is full');
      },
      onError: (err, context) => errors.push(`${context}: ${String(err)}`),
      grantsAllowLocal: ['api.github.test'],
      lookup: fakeLookup({ 'api.github.test': ['127.0.0.1'] }),
    });
    open.push(p);
    const before = secure.seen.length;
    const t = await connectTunnel(p.address, `api.github.test:${secure.port}`);
    assert.equal(t.status, 200);
    await assert.rejects(httpsOverTunnel(t.socket, 'api.github.test', cert.cert, '/x'));
    assert.equal(secure.seen.length, before);
    assert.ok(errors.includes('audit: Error: the audit log is full'));
  });

  test('a client that leaves mid-request is audited as such', async () => {
    const { at, events } = await proxy();
    const s = await dial(at);
    s.write('GET http://api.github.test/ HTTP/1.1\r\n');
    await new Promise((r) => setTimeout(r, 20));
    s.destroy();
    await eventually(() => events.length > 0);
    assert.equal(last(events).reason, 'the client closed before sending a complete request');
  });
});
