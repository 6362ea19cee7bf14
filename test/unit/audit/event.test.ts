// The store's quick event check never accepts what the schema refuses, and accepts every event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  auditEventInputSchema,
  auditKindSchema,
  isAuditEventInput,
} from '../../../app/audit-event/event.ts';

const fieldValue = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'broker',
    'kernel',
    'host',
    'fs',
    'net',
    'limit',
    'allow',
    'deny',
    'ok',
    'crashed',
    'bogus',
  ),
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
  'outcome',
  'reason',
  'durationUs',
  'seq',
  'v',
  'extra',
];

const valid = fc
  .record(
    {
      ext: fc.string(),
      layer: fc.constantFrom('broker', 'kernel', 'host' as const),
      kind: fc.constantFrom(...auditKindSchema.options),
      op: fc.string(),
      target: fc.string(),
      decision: fc.constantFrom('allow', 'deny' as const),
      outcome: fc.constantFrom('ok', 'failed', 'crashed', 'timeout', 'limit', 'alert' as const),
      reason: fc.string(),
      durationUs: fc.double({ min: 0, max: 1e12, noNaN: true }),
    },
    { requiredKeys: ['ext', 'layer', 'kind', 'op', 'target', 'reason'] },
  )
  .filter((e) => e.decision !== undefined || e.outcome !== undefined);

test('an event needs a decision, an outcome, or both (event version 2)', () => {
  const base = {
    ext: 'a.b',
    layer: 'host',
    kind: 'lifecycle',
    op: 'crash',
    target: '/',
    reason: 'r',
  };
  assert.equal(isAuditEventInput(base), false);
  const refused = auditEventInputSchema.safeParse(base);
  assert.equal(refused.success, false);
  assert.match(refused.error!.issues[0]!.message, /needs a decision, an outcome, or both/);
  for (const e of [
    { ...base, outcome: 'crashed' },
    { ...base, decision: 'deny' },
  ])
    assert.equal(isAuditEventInput(e) && auditEventInputSchema.safeParse(e).success, true);
});

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
