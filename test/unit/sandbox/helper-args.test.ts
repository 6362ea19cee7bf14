// The helper's argument parser (sandbox-helper/src/args.c) on its own, through the small probe
// the Makefile builds with the sanitizers: a table of command lines, and properties over random
// ones (never a crash, and every accepted line means what it says).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';

const probe = new URL('../../../sandbox-helper/build/args-probe', import.meta.url).pathname;
if (!existsSync(probe)) throw new Error(`${probe} is missing; run "make -C sandbox-helper" first`);

/** What the parser makes of each argv: `check`, `ok POLICY STATUS PATH...` or `error REASON`. */
function parseAll(cases: string[][]): string[] {
  const input = cases.map((argv) => argv.join('\x1f') + '\n').join('');
  const r = spawnSync(probe, { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `the parser crashed: ${r.stderr}`);
  const lines = r.stdout.split('\n').slice(0, -1);
  assert.equal(lines.length, cases.length, 'one line per command line');
  return lines;
}

const USAGE = '; usage: corral-sandbox --check | --policy-fd N [--status-fd M] -- PATH [ARG...]';

test('accepts --check alone and the full form, with or without a status descriptor', () => {
  assert.deepEqual(
    parseAll([
      ['--check'],
      ['--policy-fd', '3', '--', '/bin/true'],
      ['--status-fd', '9', '--policy-fd', '8', '--', '/bin/sh', '-c', 'x y'],
      ['--policy-fd', '1048576', '--', '/x'],
    ]),
    ['check', 'ok 3 -1 /bin/true', 'ok 8 9 /bin/sh -c x y', 'ok 1048576 -1 /x'],
  );
});

test('refuses every other command line with one reason and the usage', () => {
  const cases: [string[], string][] = [
    [[], '--policy-fd is required'],
    [['--check', '--policy-fd', '3'], "unexpected argument '--check'"],
    [['--policy-fd', '3'], 'an absolute PATH to run is required after --'],
    [['--policy-fd', '3', '--'], 'an absolute PATH to run is required after --'],
    [['--policy-fd', '3', '--', 'sh'], 'an absolute PATH to run is required after --'],
    [
      ['--policy-fd', '2', '--', '/x'],
      "--policy-fd needs a descriptor number from 3 to 1048576, not '2'",
    ],
    [
      ['--policy-fd', '3x', '--', '/x'],
      "--policy-fd needs a descriptor number from 3 to 1048576, not '3x'",
    ],
    [
      ['--policy-fd', '+3', '--', '/x'],
      "--policy-fd needs a descriptor number from 3 to 1048576, not '+3'",
    ],
    [
      ['--policy-fd', '99999999999', '--', '/x'],
      "--policy-fd needs a descriptor number from 3 to 1048576, not '99999999999'",
    ],
    [['--status-fd'], "--status-fd needs a descriptor number from 3 to 1048576, not ''"],
    [['--policy-fd', '3', '--policy-fd', '4', '--', '/x'], "unexpected argument '--policy-fd'"],
    [
      ['--policy-fd', '3', '--status-fd', '3', '--', '/x'],
      '--policy-fd and --status-fd must differ',
    ],
    [['--policy', '3', '--', '/x'], "unexpected argument '--policy'"],
  ];
  assert.deepEqual(
    parseAll(cases.map(([argv]) => argv)),
    cases.map(([, reason]) => `error ${reason}${USAGE}`),
  );
});

test('property: any command line is refused in one line or means exactly what it says', () => {
  const word = fc.oneof(
    fc.constantFrom('--check', '--policy-fd', '--status-fd', '--', '/bin/true', '3', '4', '0', ''),
    // Not the probe's separators, nor NUL, which no argument can hold.
    fc.string({ maxLength: 12 }).filter((s) => !['\0', '\n', '\x1f'].some((c) => s.includes(c))),
  );
  const fd = fc.constantFrom('3', '4', '17', '2', 'x');
  const wellFormed = fc
    .tuple(fd, fc.option(fd), fc.boolean(), fc.array(word, { maxLength: 3 }))
    .map(([policy, status, statusFirst, rest]) => {
      const options = [['--policy-fd', policy], ...(status ? [['--status-fd', status]] : [])];
      return [...(statusFirst ? options.reverse() : options).flat(), '--', '/bin/x', ...rest];
    });
  // One process for every case (the probe is built with the sanitizers, which start slowly).
  const cases = fc.sample(fc.oneof(fc.array(word, { maxLength: 8 }), wellFormed), {
    numRuns: 2_000,
    seed: 1,
  });
  const results = parseAll(cases);
  cases.forEach((argv, i) => {
    const out = results[i]!;
    if (out === 'check') return assert.deepEqual(argv, ['--check']);
    if (out.startsWith('error ')) return assert.ok(out.endsWith(USAGE), out);
    const [, policy, status, ...command] = out.split(' ');
    const end = argv.indexOf('--');
    assert.deepEqual(
      argv
        .slice(end + 1)
        .join(' ')
        .split(' '),
      command,
    );
    assert.ok(command[0]?.startsWith('/'));
    assert.ok(Number(policy) >= 3 && Number(policy) !== Number(status));
    assert.ok(status === '-1' || Number(status) >= 3);
    assert.equal(argv[argv.indexOf('--policy-fd') + 1], policy);
  });
  assert.ok(
    results.some((r) => r.startsWith('ok ')),
    'the sample holds accepted lines too',
  );
});
