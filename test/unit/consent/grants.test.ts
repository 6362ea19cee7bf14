// Grants as rule lines, revocations and the policy an installed extension runs with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  applyRevocation,
  effectivePolicy,
  grantLines,
  labelsRevokedBy,
  parseRevocation,
  policyRules,
} from '../../../app/consent/grants.ts';
import type { PolicyInput } from '../../../app/policy/manifest.ts';

const policy: PolicyInput = {
  permissions: {
    fs: [
      { path: '${workspace}', access: 'read' },
      { path: '${documents}/reports/', access: 'write' },
    ],
    net: [{ host: 'API.GitHub.com', ports: [443, 8443] }, { host: '*.githubusercontent.com' }],
    ipc: [{ channel: 'wc.updates', access: 'both' }],
    process: { spawn: true },
  },
  optionalPermissions: {
    fs: [{ path: '${downloads}', access: 'read' }],
    net: [{ host: 'example.com' }],
  },
  limits: { memoryMB: 256 },
};

test('lists every grant with its runtime label, pointer and canonical rule lines', () => {
  assert.deepEqual(
    grantLines(policy).map((l) => [l.label, l.pointer, l.rules.join(' + ')]),
    [
      ['fs[0]', '/permissions/fs/0', 'read ${workspace}'],
      ['fs[1]', '/permissions/fs/1', 'write ${documents}/reports'],
      ['net[0]', '/permissions/net/0', 'connect api.github.com:443,8443'],
      ['net[1]', '/permissions/net/1', 'connect *.githubusercontent.com:443'],
      ['ipc[0]', '/permissions/ipc/0', 'publish wc.updates + subscribe wc.updates'],
      ['process.spawn', '/permissions/process/spawn', 'spawn'],
      ['fs[0]', '/optionalPermissions/fs/0', 'read ${downloads}'],
      ['net[0]', '/optionalPermissions/net/0', 'connect example.com:443'],
    ],
  );
});

test('parses one rule into a canonical revocation, or says why not', () => {
  const ok: [string, string][] = [
    ['read ${downloads}', 'read ${downloads}'],
    ['  write ${documents}/reports/ ', 'write ${documents}/reports'],
    ['connect API.github.com:443', 'connect api.github.com:443'],
    ['connect api.github.com', 'connect api.github.com'],
    ['connect [::1]:80', 'connect [::1]:80'],
    ['subscribe wc.updates', 'subscribe wc.updates'],
    ['spawn', 'spawn'],
    ['optional read ${downloads}', 'optional read ${downloads}'],
  ];
  for (const [text, rule] of ok) {
    const r = parseRevocation(text);
    assert.ok(r.ok, text);
    assert.equal(r.rule, rule);
    assert.deepEqual(parseRevocation(r.rule), r, 'canonical rules parse to themselves');
  }
  const bad: [string, RegExp][] = [
    ['', /give one rule/],
    ['read ${workspace}\nspawn', /give one rule/],
    ['limit memory 256MB', /is a limit, not a grant/],
    ['raed ${workspace}', /did you mean "read"/],
    ['read relative/path', /relative path/],
  ];
  for (const [text, want] of bad) {
    const r = parseRevocation(text);
    assert.equal(r.ok, false, text);
    assert.match((r as { error: string }).error, want);
  }
});

test('a revocation removes or narrows exactly the grants it names', () => {
  const revoke = (rule: string) => {
    const r = parseRevocation(rule);
    assert.ok(r.ok);
    return applyRevocation(policy.permissions, r.revocation);
  };
  assert.deepEqual(revoke('read ${workspace}').labels, ['fs[0]']);
  assert.deepEqual(revoke('read ${workspace}').permissions.fs, [policy.permissions.fs![1]]);
  assert.deepEqual(revoke('write ${documents}/reports').permissions.fs![1], {
    path: '${documents}/reports/',
    access: 'read',
  });
  assert.deepEqual(revoke('write ${workspace}').labels, [], 'nothing to take: it only reads');
  assert.deepEqual(revoke('connect api.github.com:8443').permissions.net![0], {
    host: 'API.GitHub.com',
    ports: [443],
  });
  assert.equal(revoke('connect api.github.com').permissions.net!.length, 1);
  assert.deepEqual(revoke('publish wc.updates').permissions.ipc, [
    { channel: 'wc.updates', access: 'subscribe' },
  ]);
  assert.deepEqual(revoke('spawn').permissions.process, { spawn: false });
  assert.deepEqual(revoke('read ${home}').labels, []);
});

test('labelsRevokedBy covers both sections unless the rule says optional', () => {
  const both: PolicyInput = {
    permissions: { fs: [{ path: '${downloads}', access: 'read' }] },
    optionalPermissions: {
      fs: [
        { path: '${workspace}', access: 'read' },
        { path: '${downloads}', access: 'write' },
      ],
    },
    limits: {},
  };
  const labels = (rule: string) => {
    const r = parseRevocation(rule);
    assert.ok(r.ok);
    return labelsRevokedBy(both, r.revocation);
  };
  assert.deepEqual(labels('read ${downloads}'), ['fs[1]', 'fs[0]']);
  assert.deepEqual(labels('optional read ${workspace}'), ['fs[0]']);
  assert.deepEqual(labels('optional write ${downloads}'), ['fs[1]']);
});

test('the effective policy: revocations first, then allowed-always grants become required', () => {
  const effective = effectivePolicy(
    policy,
    ['connect api.github.com', 'optional connect example.com', 'write ${documents}/reports'],
    ['read ${downloads}', 'connect example.com:443'],
  );
  assert.deepEqual(policyRules(effective), [
    'read ${workspace}',
    'read ${documents}/reports',
    'read ${downloads}',
    'connect *.githubusercontent.com:443',
    'publish wc.updates',
    'subscribe wc.updates',
    'spawn',
  ]);
  assert.deepEqual(effective.limits, policy.limits);
});

test('property: revoking every rule of a policy leaves no grant ("read" takes a write grant too)', () => {
  const path = fc.constantFrom(
    '${workspace}',
    '${home}/a',
    '${downloads}',
    '/srv/x',
    '${documents}/r/',
  );
  const fsGrant = fc.record({ path, access: fc.constantFrom('read' as const, 'write' as const) });
  const netGrant = fc.record(
    {
      host: fc.constantFrom('a.com', 'B.com', '*.c.org', '10.0.0.1'),
      ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }),
    },
    { requiredKeys: ['host'] },
  );
  const ipcGrant = fc.record({
    channel: fc.constantFrom('a.b', 'c'),
    access: fc.constantFrom('publish' as const, 'subscribe' as const, 'both' as const),
  });
  const perms = fc.record({
    fs: fc.array(fsGrant, { maxLength: 3 }),
    net: fc.array(netGrant, { maxLength: 3 }),
    ipc: fc.array(ipcGrant, { maxLength: 3 }),
    process: fc.record({ spawn: fc.boolean() }),
  });
  fc.assert(
    fc.property(perms, perms, (permissions, optionalPermissions) => {
      const p: PolicyInput = { permissions, optionalPermissions, limits: {} };
      const all = policyRules(p).map((r) =>
        r.replace(/^optional /, '').replace(/^write /, 'read '),
      );
      const left = effectivePolicy(p, all, []);
      assert.deepEqual(policyRules(left), []);
    }),
  );
});
