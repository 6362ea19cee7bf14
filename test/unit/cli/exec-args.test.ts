// `corral exec` argument parsing, as contracts section 3 writes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExecArgs } from '../../../app/cli/exec-args.ts';

test('reads options before -- and the command after it', () => {
  const r = parseExecArgs([
    '--policy',
    'p.json',
    '--workspace=/w',
    '--audit',
    'a.log',
    '--',
    'ls',
    '--policy',
  ]);
  assert.deepEqual(r, {
    ok: true,
    value: { policy: 'p.json', workspace: '/w', audit: 'a.log', command: ['ls', '--policy'] },
  });
});

test('the first non-option word starts the command when -- is absent', () => {
  const r = parseExecArgs(['echo', '-n', 'hi']);
  assert.deepEqual(r, {
    ok: true,
    value: { policy: null, workspace: null, audit: null, command: ['echo', '-n', 'hi'] },
  });
});

test('refuses unknown options, missing values, repeats and an empty command, each in one line', () => {
  for (const [argv, fragment] of [
    [['--polcy', 'x', '--', 'ls'], 'unknown option "--polcy"'],
    [['--policy'], '--policy needs a value'],
    [['--policy='], '--policy needs a value'],
    [['--audit', 'a', '--audit', 'b', '--', 'ls'], 'given twice'],
    [['--policy', 'x', '--'], 'no command given'],
    [[], 'no command given'],
  ] as const) {
    const r = parseExecArgs([...argv]);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.error, new RegExp(fragment.replace(/[-[\]"]/g, '\\$&')));
      assert.ok(!r.error.includes('\n'));
    }
  }
});
