// Property tests of the manifest parser: it never crashes, its JSON reader agrees with JSON.parse,
// and nothing it accepts is read differently by the compiler and the decision engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseJsonSource } from '../../app/policy/json-source.ts';
import { parsePolicyDocument, validatePolicyValue } from '../../app/policy/manifest.ts';
import { compilePolicy } from '../../app/policy/compile.ts';
import { decide } from '../../app/policy/decide.ts';
import { canonicalHost } from '../../app/policy/host-names.ts';
import { isWithin } from '../../app/policy/paths.ts';
import { VARS } from '../unit/policy/support.ts';

const RUNS = { numRuns: 400 };

test('the JSON reader agrees with JSON.parse on every valid document', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
      const text = JSON.stringify(value);
      const r = parseJsonSource(text);
      // JSON.stringify never writes duplicate keys, so the two must agree exactly.
      assert.ok(r.ok, text);
      assert.deepEqual(r.value, JSON.parse(text));
    }),
    RUNS,
  );
});

test('the JSON reader never throws and accepts only what JSON.parse accepts', () => {
  const jsonish = fc.stringMatching(/^[{}[\]":,\s0-9a-z.\-\\eE+]{0,40}$/);
  fc.assert(
    fc.property(fc.oneof(fc.string(), jsonish), (text) => {
      const r = parseJsonSource(text);
      let expected: unknown;
      let valid = true;
      try {
        expected = JSON.parse(text);
      } catch {
        valid = false;
      }
      if (r.ok) assert.deepEqual(r.value, expected);
      else {
        assert.ok(
          !valid || /duplicate key|nested deeper/.test(r.error.message),
          `${text}: ${r.error.message}`,
        );
        assert.ok(!r.error.message.includes('\n'));
      }
    }),
    { numRuns: 1500 },
  );
});

// Manifest-shaped values that are often almost right: the parser's hardest inputs.
const pathPiece = fc.constantFrom(
  '${workspace}',
  '${home}',
  '${documents}',
  '${downloads}',
  '${extensionData}',
  '${tmp}',
  '${nope}',
  '/',
  '',
  '.',
  '..',
  'a',
  'B',
  '*',
  '~',
  '$HOME',
  'é',
  'e\u0301',
  ' x',
  '\\',
  '\u0430',
);
const grantPath = fc
  .tuple(fc.array(pathPiece, { minLength: 1, maxLength: 5 }), fc.constantFrom('/', '', '//'))
  .map(([parts, separator]) => parts.join(separator));
const hostPiece = fc.constantFrom(
  '*',
  'api',
  'github',
  'com',
  'xn--',
  'münchen',
  'EXAMPLE',
  '127',
  '0x7f',
  '1',
  '::1',
  '[::1]',
  ':443',
  '',
  '-',
  'a_b',
  'ｇｉｔ',
  '。',
);
const grantHost = fc
  .array(hostPiece, { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join('.'));
const anyValue = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const fsGrant = fc.record(
  {
    path: fc.oneof(grantPath, anyValue),
    access: fc.oneof(fc.constantFrom('read', 'write', 'rw'), anyValue),
  },
  { requiredKeys: [] },
);
const netGrant = fc.record(
  {
    host: fc.oneof(grantHost, anyValue),
    ports: fc.oneof(fc.array(fc.integer({ min: -1, max: 70000 }), { maxLength: 3 }), anyValue),
  },
  { requiredKeys: ['host'] },
);
const ipcGrant = fc.record({
  channel: fc.constantFrom('a.b', 'A.b', 'a..b', '', 'x'),
  access: fc.constantFrom('publish', 'subscribe', 'both', 'write'),
});
const permissions = fc.record(
  {
    fs: fc.array(fsGrant, { maxLength: 4 }),
    net: fc.array(netGrant, { maxLength: 4 }),
    ipc: fc.array(ipcGrant, { maxLength: 2 }),
    process: fc.record({ spawn: fc.oneof(fc.boolean(), anyValue) }),
  },
  { requiredKeys: [] },
);
const fragment = fc.record(
  {
    permissions,
    optionalPermissions: permissions,
    limits: fc.dictionary(
      fc.constantFrom('memoryMB', 'pids', 'timeoutMs', 'memory'),
      fc.oneof(fc.integer({ min: -5, max: 5_000_000 }), anyValue),
    ),
  },
  { requiredKeys: [] },
);

// Grants that are valid but spelled every way the schema allows ("//", ".", case, IDN, IPs).
const variable = fc.constantFrom(
  '${workspace}',
  '${home}',
  '${documents}',
  '${downloads}',
  '${extensionData}',
  '${tmp}',
);
const segment = fc.constantFrom(
  'a',
  'B',
  'é',
  'e\u0301',
  '\u0430',
  'x y',
  '.',
  '',
  '.hidden',
  '..x',
);
const validPath = fc
  .tuple(variable, fc.array(segment, { maxLength: 4 }))
  .map(([v, segs]) => [v, ...segs].join('/'));
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/);
const validHost = fc.oneof(
  fc
    .tuple(
      fc.boolean(),
      fc.array(fc.oneof(label, fc.constantFrom('München', 'API', 'ｇｉｔ')), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.constantFrom('com', 'org', 'dev'),
      fc.constantFrom('', '.'),
    )
    .map(([wild, labels, tld, dot]) => `${wild ? '*.' : ''}${labels.join('.')}.${tld}${dot}`),
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV6().map((a) => `[${a}]`),
);
const validPermissions = fc.record(
  {
    fs: fc.array(fc.record({ path: validPath, access: fc.constantFrom('read', 'write') }), {
      maxLength: 4,
    }),
    net: fc.array(
      fc.record(
        {
          host: validHost,
          ports: fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }),
        },
        { requiredKeys: ['host'] },
      ),
      { maxLength: 4 },
    ),
  },
  { requiredKeys: [] },
);
const validFragment = fc.record(
  { permissions: validPermissions, optionalPermissions: validPermissions },
  { requiredKeys: [] },
);

test('policy documents: never a crash, every error one line with a pointer and a fix', () => {
  fc.assert(
    fc.property(fragment, (doc) => {
      const r = parsePolicyDocument(JSON.stringify(doc), 'policy.json');
      if (r.ok) return;
      assert.ok(r.errors.length > 0);
      for (const e of r.errors) {
        assert.match(e.pointer, /^(\/[^/]*)*$/);
        assert.ok(e.message.length > 0 && e.fix.length > 0);
        assert.ok(!/[\n\r]/.test(e.message + e.fix), JSON.stringify(e));
      }
    }),
    { numRuns: 1500 },
  );
});

test('whatever is accepted compiles, stays inside its variable, and is decided as written', () => {
  let accepted = 0;
  fc.assert(
    fc.property(fc.oneof(fragment, validFragment), (doc) => {
      const r = validatePolicyValue(doc);
      if (!r.ok) return;
      accepted++;
      const c = compilePolicy(
        r.policy.permissions,
        r.policy.limits,
        VARS,
        r.policy.optionalPermissions,
      );
      assert.ok(c.ok, JSON.stringify(c));
      (r.policy.permissions.fs ?? []).forEach((g, i) => {
        const compiled = c.policy.fs[i]!;
        const variable = /^\$\{(\w+)\}/.exec(g.path)?.[1] as keyof typeof VARS | undefined;
        // No accepted spelling escapes the folder its variable names.
        if (variable)
          assert.ok(isWithin(compiled.path, VARS[variable]!), `${g.path} → ${compiled.path}`);
        assert.equal(
          decide(c.policy, { kind: 'fs', op: g.access, path: compiled.path }).decision,
          'allow',
        );
      });
      (r.policy.permissions.net ?? []).forEach((g, i) => {
        const compiled = c.policy.net[i]!;
        const probe = compiled.wildcard ? `probe.${compiled.host}` : compiled.host;
        assert.ok(canonicalHost(probe), probe);
        const port = compiled.ports[0]!;
        assert.equal(
          decide(c.policy, { kind: 'net', host: probe, port }).decision,
          'allow',
          `${g.host} → ${probe}`,
        );
        if (compiled.wildcard)
          assert.notEqual(
            decide(c.policy, { kind: 'net', host: compiled.host, port }).reason,
            `grant ${compiled.grant}`,
          );
      });
    }),
    { numRuns: 1500 },
  );
  assert.ok(accepted > 300, `only ${accepted} generated documents were valid`);
});
