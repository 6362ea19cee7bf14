// `corral log`'s argument parser: flags, filters, and one-line refusals that name the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogArgs } from '../../../app/cli/log.ts';

const now = new Date('2026-11-25T21:00:00.000Z');

test('flags and options combine into a filter, an output format and a limit', () => {
  const r = parseLogArgs(
    [
      '--follow',
      '--ext',
      'acme.x',
      '--kind=net',
      '--decision',
      'deny',
      '--since',
      '2h',
      '--json',
      '--limit',
      '5',
    ],
    now,
  );
  assert.ok(r.ok);
  assert.deepEqual([...r.value.flags].sort(), ['follow', 'json']);
  assert.deepEqual(r.value.filter, {
    ext: 'acme.x',
    kind: 'net',
    decision: 'deny',
    since: '2026-11-25T19:00:00.000Z',
  });
  assert.equal(r.value.output, 'jsonl');
  assert.equal(r.value.limit, 5);
  const plain = parseLogArgs([], now);
  assert.ok(plain.ok);
  assert.deepEqual(plain.value.filter, {});
  assert.equal(plain.value.output, 'table');
  const csv = parseLogArgs(['--csv', '--until', '2026-11-25', '--file', 'x.db'], now);
  assert.ok(csv.ok);
  assert.equal(csv.value.output, 'csv');
  assert.equal(csv.value.file, 'x.db');
  assert.equal(csv.value.filter.until, '2026-11-25T00:00:00.000Z');
  assert.ok(parseLogArgs(['--verify', '--file', 'x.db'], now).ok);
});

test('bad arguments are refused with one line saying what to do', () => {
  const cases: [string[], RegExp][] = [
    [['--json', '--csv'], /--json and --csv both given; choose one output format/],
    [['--verify', '--json'], /--verify checks the whole log and takes no other option but --file/],
    [['--verify', '--ext', 'a.b'], /--verify checks the whole log/],
    [
      ['--kind', 'disk'],
      /--kind disk is not a kind; use one of fs, net, ipc, process, limit, permission, lifecycle/,
    ],
    [['--decision', 'maybe'], /--decision maybe: use allow or deny/],
    [
      ['--since', 'yesterday'],
      /--since yesterday is neither a date and time .* nor a duration back from now/,
    ],
    [['--limit', '0'], /--limit 0: give a whole number of events, 1 or more/],
    [['--limit', '2.5'], /--limit 2\.5/],
    [['--follow', '--follow'], /--follow given twice/],
    [['--ext'], /--ext needs a value/],
    [['--tail'], /unknown option "--tail"; usage: corral log/],
    [['everything'], /unexpected "everything"; usage: corral log/],
  ];
  for (const [argv, error] of cases) {
    const r = parseLogArgs(argv, now);
    assert.equal(r.ok, false, argv.join(' '));
    if (!r.ok) {
      assert.match(r.error, error);
      assert.equal(r.error.includes('\n'), false);
    }
  }
});
