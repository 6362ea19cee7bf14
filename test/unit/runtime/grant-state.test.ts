// Live grants: allowing an optional grant and revoking either kind take effect on the next decision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrantState } from '../../../app/runtime/grant-state.ts';
import { compiled } from '../policy/support.ts';

const policy = () =>
  compiled(
    { fs: [{ path: '${workspace}', access: 'read' }] },
    { fs: [{ path: '${downloads}', access: 'read' }] },
  );
const read = (g: GrantState, path: string) =>
  g.decider()({ kind: 'fs', op: 'read', path }).decision;

test('revoking the required fs[0] keeps the optional fs[0] (they are numbered apart)', () => {
  const g = new GrantState(policy());
  const ws = g.policy.fs[0]!.path;
  const dl = g.policy.optional.fs[0]!.path;
  assert.equal(g.revoke('fs[0]', 'required'), true);
  assert.equal(read(g, `${ws}/a.md`), 'deny');
  assert.equal(read(g, `${dl}/b.pdf`), 'prompt');
});

test('an optional grant allowed always is promoted, and revoking the optional grant takes it back', () => {
  const g = new GrantState(policy());
  const dl = g.policy.optional.fs[0]!.path;
  g.promote(['fs[0]']);
  assert.equal(read(g, `${dl}/b.pdf`), 'allow');
  assert.equal(g.revoke('fs[0]', 'optional'), true);
  assert.equal(read(g, `${dl}/b.pdf`), 'deny');
  assert.equal(read(g, `${g.policy.fs[0]!.path}/a.md`), 'allow', 'the required fs[0] is untouched');
});

test('revoking what is not there changes nothing', () => {
  const g = new GrantState(policy());
  assert.equal(g.revoke('net[3]', 'required'), false);
});
