// vetAndConnect and the address vetting behind it: the policy first, one look-up, every answer
// vetted (DNS rebinding onto loopback, private or metadata addresses refused before any packet),
// and the socket connected to exactly the vetted address. Only 127.0.0.1 and ::1 are ever dialled.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { vetAddresses } from '../../../app/net/address-policy.ts';
import { vetAndConnect, type ConsentHook } from '../../../app/net/vetted-connect.ts';
import type { Decision } from '../../../app/policy/decide.ts';
import { deciderFor, fakeLookup, guardLoopbackOnly } from './support.ts';

// A broken vetting step could leave a connection pending forever: fail instead of hanging.
const LIMIT = { timeout: 10_000 };

let server: net.Server;
let port: number;
let closedPort: number;
let guard: ReturnType<typeof guardLoopbackOnly>;

before(async () => {
  server = net.createServer((s) => {
    s.on('error', () => {}); // clients here hang up at once
    s.end('pong');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
  const spare = net.createServer();
  await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
  closedPort = (spare.address() as net.AddressInfo).port;
  await new Promise((resolve) => spare.close(resolve));
  guard = guardLoopbackOnly();
});
after(() => {
  guard.restore();
  server.close();
});

/** Runs vetAndConnect, closes any socket, and reports the result with what was looked up and dialled. */
async function attempt(
  host: string,
  options: {
    grants?: Parameters<typeof deciderFor>[0];
    optional?: Parameters<typeof deciderFor>[1];
    table?: Record<string, string[]>;
    local?: string[];
    port?: number;
    timeoutMs?: number;
    signal?: AbortSignal;
    consent?: ConsentHook;
  },
) {
  const calls: string[] = [];
  const dialled = guard.targets.length;
  const r = await vetAndConnect({
    host,
    port: options.port ?? port,
    decider: deciderFor(options.grants ?? [], options.optional),
    grantsAllowLocal: options.local,
    lookup: fakeLookup(options.table ?? {}, calls),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    consent: options.consent,
  });
  if (r.ok) r.socket.destroy();
  return { r, calls, dialled: guard.targets.slice(dialled) };
}

const grant = (host: string, ports = [0]) => [{ host, ports: ports.map((p) => p || port) }];

test('a host no grant covers is refused before any look-up', LIMIT, async () => {
  const { r, calls, dialled } = await attempt('evil.test', { grants: grant('api.github.test') });
  assert.deepEqual(r, { ok: false, code: 'denied', reason: `no grant covers evil.test:${port}` });
  assert.deepEqual([calls, dialled], [[], []]);
});

test('an optional grant with nobody to ask is refused: it needs consent', LIMIT, async () => {
  const { r, calls } = await attempt('up.test', { optional: grant('up.test') });
  assert.equal(r.ok || r.code, 'needs-consent');
  assert.ok(!r.ok && /optional net\[0\] needs the user's consent/.test(r.reason));
  assert.deepEqual(calls, []);
});

test('an optional grant is asked for, as net/fetch asks; the answer decides', LIMIT, async () => {
  const asked: [{ host: string; port: number }, Decision][] = [];
  const answering =
    (allow: boolean): ConsentHook =>
    async (target, d) => {
      asked.push([target, d]);
      // The user takes longer than the connect budget: the budget starts after the answer.
      await new Promise((r) => setTimeout(r, 300));
      return allow
        ? { decision: 'allow', reason: `${d.reason} (allow-once by the user)` }
        : { decision: 'deny', reason: `${d.reason} refused: deny by the user` };
    };
  const table = { 'up.test': ['127.0.0.1'] };
  const local = ['up.test'];
  const yes = await attempt('UP.test', {
    optional: grant('up.test'),
    table,
    local,
    timeoutMs: 200,
    consent: answering(true),
  });
  assert.ok(yes.r.ok, JSON.stringify(yes.r));
  assert.match(yes.r.reason, /^optional net\[0\] \(allow-once by the user\)/);
  assert.deepEqual(asked[0], [
    { host: 'up.test', port },
    { decision: 'prompt', reason: 'optional net[0]' },
  ]);
  const no = await attempt('up.test', {
    optional: grant('up.test'),
    table,
    local,
    consent: answering(false),
  });
  assert.deepEqual(no.r, {
    ok: false,
    code: 'denied',
    reason: 'optional net[0] refused: deny by the user',
  });
  assert.deepEqual([no.calls, no.dialled], [[], []]);
  // Granted and ungranted hosts are never asked about.
  asked.length = 0;
  await attempt('up.test', { grants: grant('up.test'), table, local, consent: answering(false) });
  await attempt('evil.test', { optional: grant('up.test'), consent: answering(true) });
  assert.deepEqual(asked, []);
});

test(
  'DNS rebinding: a granted name resolving to a local address is refused before connecting',
  LIMIT,
  async () => {
    for (const answer of [
      ['127.0.0.1'],
      ['10.1.2.3'],
      ['169.254.169.254'],
      ['::1'],
      ['fd00:ec2::254'],
      ['::ffff:127.0.0.1'],
      ['64:ff9b::7f00:1'],
      ['0.0.0.0'],
      ['8.8.8.8', '192.168.1.1'],
    ]) {
      const { r, calls, dialled } = await attempt('api.github.test', {
        grants: grant('api.github.test'),
        table: { 'api.github.test': answer },
      });
      assert.equal(r.ok || r.code, 'not-public', answer.join());
      assert.match(
        !r.ok ? r.reason : '',
        /^api\.github\.test resolved to .* \(.+\), which no grant allows$/,
      );
      assert.deepEqual(calls, ['api.github.test']);
      assert.deepEqual(dialled, [], `${answer.join()} was dialled`);
    }
  },
);

test(
  'a host granted local reaches its loopback address, resolved exactly once',
  LIMIT,
  async () => {
    let lookups = 0;
    const r = await vetAndConnect({
      host: 'API.GitHub.test.',
      port,
      decider: deciderFor(grant('api.github.test')),
      grantsAllowLocal: ['api.github.test'],
      // A rebinding resolver: the first answer is the vetted one; a second look-up would go astray.
      lookup: async () => [{ address: lookups++ === 0 ? '127.0.0.1' : '10.9.9.9' }],
    });
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(r.address, '127.0.0.1');
    assert.equal(r.socket.remoteAddress, '127.0.0.1');
    assert.equal(r.reason, 'grant net[0]; api.github.test granted local → 127.0.0.1 (loopback)');
    const reply = await new Promise<string>((resolve) =>
      r.socket.once('data', (d) => resolve(String(d))),
    );
    assert.equal(reply, 'pong');
    r.socket.destroy();
    assert.equal(lookups, 1);
  },
);

test(
  'a local grant never opens the cloud metadata, unspecified or reserved addresses',
  LIMIT,
  async () => {
    for (const answer of [
      '169.254.169.254',
      '100.100.100.200',
      'fd00:ec2::254',
      '0.0.0.0',
      '240.0.0.1',
      '192.0.2.1',
    ]) {
      const { r, dialled } = await attempt('api.github.test', {
        grants: grant('api.github.test'),
        local: ['api.github.test'],
        table: { 'api.github.test': [answer] },
      });
      assert.equal(r.ok || r.code, 'not-public', answer);
      assert.deepEqual(dialled, []);
    }
  },
);

test('a wildcard local grant covers subdomains only', LIMIT, async () => {
  const ok = await attempt('svc.corp.test', {
    grants: grant('*.corp.test'),
    local: ['*.corp.test'],
    table: { 'svc.corp.test': ['127.0.0.1'] },
  });
  assert.ok(ok.r.ok);
  const apex = await attempt('corp.test', {
    grants: grant('corp.test'),
    local: ['*.corp.test'],
    table: { 'corp.test': ['127.0.0.1'] },
  });
  assert.equal(apex.r.ok || apex.r.code, 'not-public');
});

test('an IP-literal grant reaches that address without a look-up', LIMIT, async () => {
  const { r, calls, dialled } = await attempt('127.0.0.1', { grants: grant('127.0.0.1') });
  assert.ok(r.ok);
  assert.equal(r.reason, 'grant net[0]; loopback address granted');
  assert.deepEqual([calls, dialled], [[], ['127.0.0.1']]);
  const other = await attempt('127.0.0.1', { grants: grant('127.0.0.1'), port: port + 1 });
  assert.equal(other.r.ok || other.r.code, 'denied');
});

test(
  'a name resolving to an address that is itself granted at this port is allowed',
  LIMIT,
  async () => {
    const { r } = await attempt('db.test', {
      grants: [...grant('db.test'), ...grant('127.0.0.1')],
      table: { 'db.test': ['127.0.0.1'] },
    });
    assert.ok(r.ok);
    assert.match(r.reason, /127\.0\.0\.1 \(loopback\) granted as an address/);
  },
);

test(
  'an explicit localhost grant reaches loopback without asking the resolver',
  LIMIT,
  async () => {
    const { r, calls, dialled } = await attempt('localhost', { grants: grant('localhost') });
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(r.address, '127.0.0.1');
    assert.deepEqual([calls, dialled], [[], ['127.0.0.1']]);
  },
);

test(
  'resolver failures, empty answers and non-addresses are refused with their cause',
  LIMIT,
  async () => {
    const g = { grants: grant('x.test'), local: ['x.test'] };
    const missing = await attempt('x.test', g);
    assert.deepEqual(missing.r, {
      ok: false,
      code: 'dns-failed',
      reason: 'resolving x.test failed: ENOTFOUND',
    });
    const empty = await attempt('x.test', { ...g, table: { 'x.test': [] } });
    assert.equal(empty.r.ok || empty.r.code, 'no-address');
    const junk = await attempt('x.test', { ...g, table: { 'x.test': ['not-an-ip'] } });
    assert.equal(junk.r.ok || junk.r.code, 'dns-failed');
  },
);

test('a resolver that never answers times out within the budget', LIMIT, async () => {
  const started = Date.now();
  const r = await vetAndConnect({
    host: 'slow.test',
    port,
    decider: deciderFor(grant('slow.test')),
    lookup: () => new Promise(() => {}),
    timeoutMs: 150,
  });
  assert.deepEqual(r, { ok: false, code: 'timeout', reason: 'resolving slow.test took too long' });
  assert.ok(Date.now() - started < 2000);
});

test('a refused connection fails, and the next vetted address is tried', LIMIT, async () => {
  const refused = await attempt('127.0.0.1', {
    grants: grant('127.0.0.1', [closedPort]),
    port: closedPort,
  });
  assert.equal(refused.r.ok || refused.r.code, 'connect-failed');
  assert.match(!refused.r.ok ? refused.r.reason : '', /ECONNREFUSED/);
  // ::1 has no listener on this port; 127.0.0.1 has.
  const next = await attempt('two.test', {
    grants: grant('two.test'),
    local: ['two.test'],
    table: { 'two.test': ['::1', '127.0.0.1'] },
  });
  assert.ok(next.r.ok, next.r.ok ? '' : next.r.reason);
  assert.deepEqual(next.dialled, ['::1', '127.0.0.1']);
});

test('an aborted attempt stops, and a bad local grant is reported', LIMIT, async () => {
  const controller = new AbortController();
  controller.abort();
  const aborted = await attempt('127.0.0.1', {
    grants: grant('127.0.0.1'),
    signal: controller.signal,
  });
  assert.equal(aborted.r.ok || aborted.r.code, 'aborted');
  const bad = await attempt('x.test', { grants: grant('x.test'), local: ['https://x.test'] });
  assert.equal(bad.r.ok || bad.r.code, 'bad-grant');
});

test('vetAddresses: public answers pass with the grant as the reason', LIMIT, () => {
  const decider = deciderFor([{ host: 'api.github.com' }]);
  const host = { kind: 'name' as const, host: 'api.github.com' };
  const r = vetAddresses({
    host,
    port: 443,
    reason: 'grant net[0]',
    decider,
    resolved: ['140.82.112.6', '2606:50c0:8000::154'],
    localGrants: [],
  });
  assert.ok(r.ok);
  assert.equal(r.reason, 'grant net[0]');
  assert.deepEqual(
    r.addresses.map((a) => [a.address, a.family]),
    [
      ['140.82.112.6', 4],
      ['2606:50c0:8000::154', 6],
    ],
  );
  const literal = vetAddresses({
    host: { kind: 'ipv4', host: '10.0.0.1' },
    port: 443,
    reason: 'grant net[1]',
    decider,
    resolved: ['10.0.0.1'],
    localGrants: [],
  });
  assert.ok(literal.ok);
});
