// The debug lens: production decides every request; a denial becomes an allow only where the
// author asked (--net log|allow, --learn), and then its reason says production would deny it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debugLens, WOULD_BE_DENIED } from '../../../../app/service/dev/debug-lens.ts';
import type { Decider, PolicyRequest } from '../../../../app/policy/decide.ts';

/** Production for these tests: allows api.ok.test and /granted, denies the rest. */
const production: Decider = (r) =>
  (r.kind === 'net' && r.host === 'api.ok.test') || (r.kind === 'fs' && r.path === '/granted/a')
    ? { decision: 'allow', reason: 'grant 0' }
    : { decision: 'deny', reason: 'no grant covers it' };

const net: PolicyRequest = { kind: 'net', host: 'elsewhere.test', port: 443 };
const mockFile: PolicyRequest = { kind: 'fs', op: 'read', path: '/mock/documents/a.txt' };
const realFile: PolicyRequest = { kind: 'fs', op: 'read', path: '/home/me/a.txt' };
const ipc: PolicyRequest = { kind: 'ipc', channel: 'x.y', direction: 'publish' };
const spawn: PolicyRequest = { kind: 'process', op: 'spawn' };

const lens = (o: Partial<Parameters<typeof debugLens>[0]> = {}) =>
  debugLens({
    net: 'deny',
    learn: false,
    learnRoots: ['/mock/documents'],
    synthetic: (host) => host === 'canned.test',
    ...o,
  })(production);

test('by default the lens changes nothing: production decides', () => {
  const d = lens();
  for (const r of [net, mockFile, realFile, ipc, spawn]) assert.deepEqual(d(r), production(r));
  assert.equal(d({ kind: 'net', host: 'api.ok.test', port: 443 }).decision, 'allow');
});

test('--net log and allow: a refused host is allowed, and the reason says production would deny it', () => {
  for (const mode of ['log', 'allow'] as const) {
    const d = lens({ net: mode })(net);
    assert.equal(d.decision, 'allow');
    assert.equal(
      d.reason,
      `${WOULD_BE_DENIED} (no grant covers it); allowed by corral dev --net ${mode}`,
    );
  }
  // Files are not the network's business.
  assert.equal(lens({ net: 'allow' })(realFile).decision, 'deny');
});

test('--learn: mock folders, ipc and synthetic hosts only; never real files, hosts or spawn', () => {
  const d = lens({ learn: true });
  assert.match(d(mockFile).reason, /^would be denied in production .*--learn in a mock folder$/);
  assert.equal(d(ipc).decision, 'allow');
  assert.equal(d({ kind: 'net', host: 'canned.test', port: 443 }).decision, 'allow');
  assert.equal(d(realFile).decision, 'deny');
  assert.equal(d(net).decision, 'deny');
  assert.equal(d(spawn).decision, 'deny');
  // A path that climbs out of the mock folder is not in it.
  assert.equal(
    d({ kind: 'fs', op: 'read', path: '/mock/documents/../../etc/passwd' }).decision,
    'deny',
  );
});

test("the learning run sees every request with production's own decision, before any relaxation", () => {
  const seen: [PolicyRequest, string][] = [];
  const d = lens({ learn: true, net: 'allow', observe: (r, p) => seen.push([r, p.decision]) });
  d(net);
  d(mockFile);
  assert.deepEqual(seen, [
    [net, 'deny'],
    [mockFile, 'deny'],
  ]);
});
