// The store's quick event check never accepts what the schema refuses, and accepts every event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { auditEventInputSchema, isAuditEventInput } from '../../../app/audit-event/event.ts';

const fieldValue = fc.oneof(
  fc.string(),
  fc.constantFrom('broker', 'kernel', 'host', 'fs', 'net', 'limit', 'allow', 'deny', 'bogus'),
  fc.double(),
  fc.constantFrom(0, -0, -1, 1e21, Infinity, NaN, null, undefined, true),
  fc.anything(),
);
const keys = [
  'ext',
  'layer',
  'kind',
  'op',
  'target',
  'decision',
  'reason',
  'durationUs',
  'seq',
  'extra',
];

const valid = fc.record(
  {
    ext: fc.string(),
    layer: fc.constantFrom('broker', 'kernel', 'host' as const),
    kind: fc.constantFrom(
      'fs',
      'net',
      'ipc',
      'process',
      'limit',
      'permission',
      'lifecycle' as const,
    ),
    op: fc.string(),
    target: fc.string(),
    decision: fc.constantFrom('allow', 'deny' as const),
    reason: fc.string(),
    durationUs: fc.double({ min: 0, max: 1e12, noNaN: true }),
  },
  { requiredKeys: ['ext', 'layer', 'kind', 'op', 'target', 'decision', 'reason'] },
);

test('property: isAuditEventInput accepts nothing the schema refuses', () => {
  fc.assert(
    // A valid event with up to three fields replaced or added: about half stay valid.
    fc.property(
      valid,
      fc.dictionary(fc.constantFrom(...keys), fieldValue, { maxKeys: 3 }),
      (e, changes) => {
        const candidate = { ...e, ...changes };
        if (isAuditEventInput(candidate))
          assert.equal(
            auditEventInputSchema.safeParse(candidate).success,
            true,
            JSON.stringify(candidate),
          );
      },
    ),
    { numRuns: 3000 },
  );
  assert.equal(isAuditEventInput(null), false);
  assert.equal(isAuditEventInput('event'), false);
});

test('property: isAuditEventInput accepts every valid event input', () => {
  fc.assert(
    fc.property(valid, (e) => {
      assert.equal(auditEventInputSchema.safeParse(e).success, true);
      assert.equal(isAuditEventInput(e), true);
    }),
    { numRuns: 1000 },
  );
});
