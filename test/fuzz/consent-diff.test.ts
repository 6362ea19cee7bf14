// Property tests of the update diff (app/consent/diff.ts) against the decision engine itself: for
// any two manifests, every access the new one grants at a higher level than the old one (required
// over optional over nothing) is named by a gained rule of the diff and makes it need consent, and
// nothing the diff calls unchanged is granted differently. The oracle is compileDecider, not the
// diff's own coverage code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffPermissions, type PermissionDiff } from '../../app/consent/diff.ts';
import { parseRevocation, type Revocation } from '../../app/consent/grants.ts';
import { compilePolicy } from '../../app/policy/compile.ts';
import { compileDecider, type Decider, type PolicyRequest } from '../../app/policy/decide.ts';
import type { Permissions, PolicyInput } from '../../app/policy/manifest.ts';
import { expandGrantPath, type PathVariables } from '../../app/policy/variables.ts';
import { isWithin } from '../../app/policy/paths.ts';
import { canonicalHost, hostMatches, parseHostPattern } from '../../app/policy/host-names.ts';

// Disjoint folders, so that only what the grants say relates two paths (the diff compares paths as
// written; on a real machine ${documents} lies in ${home} and the diff may only ask too much).
const vars: PathVariables = {
  workspace: '/w',
  home: '/h',
  documents: '/d',
  downloads: '/dl',
  extensionData: '/data',
  tmp: '/t',
};

const paths = [
  '${workspace}',
  '${workspace}/src',
  '${workspace}/src/a',
  '${documents}/reports',
  '/srv/data',
];
const hosts = ['a.com', 'api.a.com', '*.a.com', '127.0.0.1', '::1', 'A.com'];
const ports = [80, 443, 8765, 8766];
const channels = ['c.one', 'c.two'];

const permissionsArb: fc.Arbitrary<Permissions> = fc.record(
  {
    fs: fc.array(
      fc.record({
        path: fc.constantFrom(...paths),
        access: fc.constantFrom('read' as const, 'write' as const),
      }),
      { maxLength: 4 },
    ),
    net: fc.array(
      fc.record(
        {
          host: fc.constantFrom(...hosts),
          ports: fc.uniqueArray(fc.constantFrom(...ports), { minLength: 1, maxLength: 3 }),
        },
        { requiredKeys: ['host'] },
      ),
      { maxLength: 4 },
    ),
    ipc: fc.array(
      fc.record({
        channel: fc.constantFrom(...channels),
        access: fc.constantFrom('publish' as const, 'subscribe' as const, 'both' as const),
      }),
      { maxLength: 3 },
    ),
    process: fc.record({ spawn: fc.boolean() }),
  },
  { requiredKeys: [] },
);

const policyArb: fc.Arbitrary<PolicyInput> = fc.record({
  permissions: permissionsArb,
  optionalPermissions: permissionsArb,
  limits: fc.constant({}),
});

/** Every request a grant of either policy could be about (wildcards probed with a subdomain). */
function probes(): PolicyRequest[] {
  const out: PolicyRequest[] = [];
  for (const p of paths) {
    const path = expand(p);
    for (const op of ['read', 'write'] as const) out.push({ kind: 'fs', op, path });
  }
  for (const h of hosts) {
    const host = h.startsWith('*.') ? `probe.${h.slice(2)}` : canonicalHost(h)!.host;
    for (const port of ports) out.push({ kind: 'net', host, port });
  }
  for (const channel of channels)
    for (const direction of ['publish', 'subscribe'] as const)
      out.push({ kind: 'ipc', channel, direction });
  out.push({ kind: 'process', op: 'spawn' });
  return out;
}

function expand(path: string): string {
  const r = expandGrantPath(path, vars);
  assert.ok(r.ok);
  return r.path;
}

function deciderOf(policy: PolicyInput): Decider {
  const compiled = compilePolicy(policy.permissions, {}, vars, policy.optionalPermissions);
  assert.ok(compiled.ok);
  return compileDecider(compiled.policy);
}

function level(d: Decider, request: PolicyRequest): number {
  return { allow: 2, prompt: 1, deny: 0 }[d(request).decision];
}

/** Whether a rule line of the diff covers `request`, and at which level (2, or 1 for "optional"). */
function ruleCovers(rule: string, request: PolicyRequest): number {
  const parsed = parseRevocation(rule);
  assert.ok(parsed.ok, rule);
  const r: Revocation = parsed.revocation;
  const at = r.optionalOnly ? 1 : 2;
  switch (request.kind) {
    case 'fs':
      return r.kind === 'fs' &&
        isWithin(request.path, expand(r.path)) &&
        (request.op === 'read' || r.access === 'write')
        ? at
        : 0;
    case 'net': {
      if (r.kind !== 'net' || !r.ports?.includes(request.port)) return 0;
      const pattern = parseHostPattern(r.host);
      assert.ok(pattern.ok);
      return hostMatches(pattern.pattern, canonicalHost(request.host)!) ? at : 0;
    }
    case 'ipc':
      return r.kind === 'ipc' && r.channel === request.channel && r.access === request.direction
        ? at
        : 0;
    case 'process':
      return r.kind === 'spawn' ? at : 0;
  }
}

function rulesOf(diff: PermissionDiff, changes: readonly string[]): string[] {
  return diff.grants.filter((g) => changes.includes(g.change)).flatMap((g) => g.rules);
}

test('property: every access the new version gains is in the diff, and needs consent', () => {
  fc.assert(
    fc.property(policyArb, policyArb, (before, after) => {
      const diff = diffPermissions(before, after);
      const old = deciderOf(before);
      const next = deciderOf(after);
      const gained = rulesOf(diff, ['added', 'widened']);
      for (const request of probes()) {
        const now = level(next, request);
        if (now <= level(old, request)) continue;
        assert.ok(
          gained.some((rule) => ruleCovers(rule, request) === now),
          `${JSON.stringify(request)} is new at level ${now} but the diff gains only ${JSON.stringify(gained)}`,
        );
        assert.equal(diff.needsConsent, true);
      }
    }),
    { numRuns: 2000 },
  );
});

test('property: nothing the diff calls unchanged is granted differently; losses are named too', () => {
  fc.assert(
    fc.property(policyArb, policyArb, (before, after) => {
      const diff = diffPermissions(before, after);
      const old = deciderOf(before);
      const next = deciderOf(after);
      for (const rule of diff.unchanged)
        for (const request of probes()) {
          const at = ruleCovers(rule, request);
          if (at === 0) continue;
          // The unchanged rule grants it at `at` in both, so neither may grant it lower.
          assert.ok(level(old, request) >= at && level(next, request) >= at, rule);
        }
      const lost = rulesOf(diff, ['removed', 'narrowed']);
      for (const request of probes()) {
        const was = level(old, request);
        if (level(next, request) >= was) continue;
        assert.ok(
          lost.some((rule) => ruleCovers(rule, request) === was),
          `${JSON.stringify(request)} is lost but not in ${JSON.stringify(lost)}`,
        );
      }
      // No gain means no consent needed (limits are equal here).
      if (rulesOf(diff, ['added', 'widened']).length === 0) assert.equal(diff.needsConsent, false);
    }),
    { numRuns: 2000 },
  );
});

test('property: a diff of a version against itself is empty, whatever the order of its entries', () => {
  fc.assert(
    fc.property(policyArb, (policy) => {
      const reversed: PolicyInput = {
        ...policy,
        permissions: {
          ...policy.permissions,
          fs: policy.permissions.fs && [...policy.permissions.fs].reverse(),
          net: policy.permissions.net && [...policy.permissions.net].reverse(),
        },
      };
      const diff = diffPermissions(policy, reversed);
      assert.deepEqual(diff.grants, []);
      assert.equal(diff.needsConsent, false);
    }),
    { numRuns: 500 },
  );
});
