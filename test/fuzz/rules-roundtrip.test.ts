// Property tests of the rules language: any text is answered without a crash, and rules →
// manifest → rules is the identity on whatever the printer writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileRules, printRules } from '../../app/policy/rules.ts';
import type { Permissions, PolicyFragment } from '../../app/policy/manifest.ts';

const word = fc.constantFrom(
  'read',
  'write',
  'connect',
  'publish',
  'subscribe',
  'spawn',
  'limit',
  'optional',
  'memory',
  'cpu',
  '#',
  '${workspace}',
  '${home}/x',
  '80',
  '256MB',
  '50%',
  'a.b',
  '[::1]:80',
  '*.x.com',
  ':',
  ',',
  'é',
  '\t',
  '..',
);
const line = fc.array(word, { maxLength: 5 }).map((w) => w.join(' '));

test('any text gets an answer, never a crash; errors are one line each with a line number', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.array(line, { maxLength: 8 }).map((l) => l.join('\n')),
      ),
      (text) => {
        const r = compileRules(text);
        if (r.ok) return;
        for (const e of r.errors) {
          assert.ok(e.line !== undefined && e.line >= 1, JSON.stringify(e));
          assert.ok(!/[\n\r]/.test(e.message + e.fix));
        }
      },
    ),
    { numRuns: 2000 },
  );
});

const path = fc
  .tuple(
    fc.constantFrom('${workspace}', '${home}', '${documents}', '${downloads}', '/srv'),
    fc.array(fc.constantFrom('a', 'My Files', 'é', 'b-c'), { maxLength: 3 }),
  )
  .map(([v, s]) => [v, ...s].join('/'));
const host = fc.oneof(
  fc
    .tuple(fc.boolean(), fc.constantFrom('api.example.com', 'example.org', 'a.b.dev'))
    .map(([w, h]) => (w ? `*.${h}` : h)),
  fc.ipV4(),
  fc.constantFrom('::1', '2001:db8::1'),
);
const permissions: fc.Arbitrary<Permissions> = fc.record(
  {
    fs: fc.array(fc.record({ path, access: fc.constantFrom('read' as const, 'write' as const) }), {
      minLength: 1,
      maxLength: 3,
    }),
    net: fc.array(
      fc.record(
        {
          host,
          ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }),
        },
        { requiredKeys: ['host'] },
      ),
      { minLength: 1, maxLength: 3 },
    ),
    ipc: fc.array(
      fc.record({
        channel: fc.constantFrom('a.b', 'chat.room', 'x'),
        access: fc.constantFrom('publish' as const, 'subscribe' as const),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    process: fc.constant({ spawn: true }),
  },
  { requiredKeys: [] },
);
const limits = fc.record(
  {
    memoryMB: fc.integer({ min: 1, max: 65536 }),
    cpuPercent: fc.integer({ min: 1, max: 10000 }),
    pids: fc.integer({ min: 1, max: 100000 }),
    openFiles: fc.integer({ min: 8, max: 100000 }),
    fileSizeMB: fc.integer({ min: 1, max: 100000 }),
    timeoutMs: fc.integer({ min: 1, max: 10_000_000 }),
  },
  { requiredKeys: [] },
);
const nonEmpty = <T extends object>(a: fc.Arbitrary<T>) =>
  a.filter((x) => Object.keys(x).length > 0);
// Through JSON: fast-check builds null-prototype objects, a manifest is plain JSON.
const fragment: fc.Arbitrary<PolicyFragment> = fc
  .record(
    {
      permissions: nonEmpty(permissions),
      optionalPermissions: nonEmpty(permissions),
      limits: nonEmpty(limits),
    },
    { requiredKeys: [] },
  )
  .map((f) => JSON.parse(JSON.stringify(f)) as PolicyFragment);

test('manifest → rules → manifest is the identity, and so is rules → manifest → rules', () => {
  fc.assert(
    fc.property(fragment, (f) => {
      const text = printRules(f);
      const back = compileRules(text);
      assert.ok(back.ok, text + JSON.stringify(back));
      assert.deepEqual(back.fragment, f);
      assert.equal(printRules(back.fragment), text);
    }),
    { numRuns: 1000 },
  );
});

test('blank lines, comments and extra spaces do not change what rules mean', () => {
  fc.assert(
    fc.property(
      fragment,
      fc.array(fc.constantFrom('', '# note', '   ', '\t# x'), { maxLength: 3 }),
      fc.constantFrom(' ', '  ', '\t'),
      (f, noise, gap) => {
        const lines = printRules(f).trimEnd().split('\n');
        const noisy = lines
          .flatMap((l) => [...noise, l.replace(' ', gap) + (noise.length ? '  # why' : '')])
          .join('\r\n');
        const r = compileRules(noisy);
        assert.ok(r.ok, noisy);
        assert.deepEqual(r.fragment, f);
      },
    ),
    { numRuns: 500 },
  );
});
