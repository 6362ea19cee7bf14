// `corral log`'s arguments (its spec in app/cli/specs.ts, then logArgs): flags, filters, and
// one-line refusals that name the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../../app/cli/args.ts';
import { logArgs } from '../../../app/cli/log.ts';
import { logSpec } from '../../../app/cli/specs.ts';

const now = new Date('2026-11-25T21:00:00.000Z');

/** What `corral log ARGV` parses to, or its one-line usage error. */
function parseLogArgs(argv: string[], at: Date) {
  const parsed = parseArgs(logSpec, argv);
  if (parsed.kind === 'help') throw new Error('unexpected --help');
  if (parsed.kind === 'error') return { ok: false as const, error: parsed.message };
  return logArgs(parsed.args.options, at);
}

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
  assert.deepEqual(
    (['follow', 'json', 'csv', 'verify'] as const).filter((f) => r.value.flags[f]),
    ['follow', 'json'],
  );
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
    [['--json', '--csv'], /--json and --csv both given; fix: choose one output format/],
    [['--verify', '--json'], /--verify checks the whole log and takes no other option but --file/],
    [['--verify', '--ext', 'a.b'], /--verify checks the whole log/],
    [
      ['--kind', 'disk'],
      /--kind disk: use one of fs, net, ipc, process, limit, permission, lifecycle/,
    ],
    [['--decision', 'maybe'], /--decision maybe: use allow or deny/],
    [
      ['--since', 'yesterday'],
      /--since yesterday is neither a date and time nor a duration back from now; fix: /,
    ],
    [['--limit', '0'], /--limit 0: give a whole number of events, 1 or more/],
    [['--limit', '2.5'], /--limit 2\.5/],
    [['--follow', '--follow'], /--follow given twice/],
    [['--ext'], /--ext needs a value/],
    [['--tail'], /unknown option "--tail"; fix: run "corral log --help" for its options/],
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
