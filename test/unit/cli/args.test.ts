// The one argument parser (app/cli/args.ts) and the command table (specs.ts): typed values, one-line
// refusals that name the option and the fix, --help written from the same table for every command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ArgError,
  defineCommand,
  helpText,
  parseArgs,
  usage,
  wholeNumber,
  type CommandSpec,
  type ParsedArgs,
} from '../../../app/cli/args.ts';
import { main } from '../../../app/cli/main.ts';
import { COMMAND_SPECS, execSpec, revokeSpec, runSpec } from '../../../app/cli/specs.ts';
import { fakeIO } from './fake-io.ts';

const sample = defineCommand({
  name: 'sample',
  summary: 'a command for these tests',
  positionals: [
    { name: 'FILE', help: 'a file' },
    { name: 'MORE', help: 'more files', optional: true, variadic: true },
  ],
  options: {
    out: { metavar: 'FILE', help: 'where to write' },
    count: { metavar: 'N', help: 'how many', parse: wholeNumber(1, 'things') },
    json: { help: 'as JSON' },
    key: { metavar: 'KEYFILE', help: 'the key', required: true },
  },
});

function args<C extends CommandSpec>(spec: C, argv: string[]): ParsedArgs<C> {
  const r = parseArgs(spec, argv);
  assert.equal(r.kind, 'args', r.kind === 'error' ? r.message : r.kind);
  return (r as { args: ParsedArgs<C> }).args;
}

function refusal(spec: CommandSpec, argv: string[]): string {
  const r = parseArgs(spec, argv);
  assert.equal(r.kind, 'error', `${argv.join(' ')} was accepted`);
  const message = (r as { message: string }).message;
  assert.ok(!message.includes('\n'), message);
  return message;
}

test('options are typed: a parsed value, a string, a flag; --name=value and positionals anywhere', () => {
  const a = args(sample, ['x.txt', '--count', '3', '--json', '--key=k.pem', 'y', 'z']);
  assert.deepEqual(a.options, { out: undefined, count: 3, json: true, key: 'k.pem' });
  assert.deepEqual(a.positionals, { file: 'x.txt', more: ['y', 'z'] });
  const count: number | undefined = a.options.count;
  const key: string = a.options.key;
  const json: boolean = a.options.json;
  assert.deepEqual([count, key, json], [3, 'k.pem', true]);
  assert.equal(args(sample, ['--key', 'k', 'x']).options.json, false);
  // A value is the next word even when it looks like an option (a reason, an argument list).
  assert.equal(args(sample, ['--out', '--json', '--key', 'k', 'x']).options.out, '--json');
});

test('every refusal is one line that names the option and says what to do', () => {
  const cases: [string[], string][] = [
    [['x', '--key', 'k', '--jsn'], 'unknown option "--jsn"; fix: did you mean "--json"?'],
    [
      ['x', '--key', 'k', '--verbose'],
      'unknown option "--verbose"; fix: run "corral sample --help" for its options',
    ],
    [
      ['x', '--key', 'k', '-v'],
      'unknown option "-v"; fix: run "corral sample --help" for its options',
    ],
    [['x', '--key'], '--key needs a value; fix: --key KEYFILE'],
    [['x', '--key='], '--key needs a value; fix: --key KEYFILE'],
    [['x', '--key', 'a', '--key', 'b'], '--key given twice; fix: give it once'],
    [['x', '--key', 'k', '--json=yes'], '--json takes no value; fix: write just --json'],
    [['x', '--key', 'k', '--count', '0'], '--count 0: give a whole number of things, 1 or more'],
    [
      ['x'],
      '--key KEYFILE is required; usage: corral sample FILE [MORE...] [--out FILE] [--count N] [--json] --key KEYFILE',
    ],
    [
      ['--key', 'k'],
      'give the FILE; usage: corral sample FILE [MORE...] [--out FILE] [--count N] [--json] --key KEYFILE',
    ],
  ];
  for (const [argv, message] of cases) assert.equal(refusal(sample, argv), message, argv.join(' '));
  assert.match(refusal(runSpec, ['a', 'b']), /^unexpected "b"; usage: corral run DIR\|ID /);
  assert.match(refusal(revokeSpec, ['acme.x']), /^give a RULE; usage: corral revoke ID RULE\.\.\./);
});

test('--help and -h win wherever they stand, before any other check', () => {
  for (const argv of [['--help'], ['-h'], ['x', '--bogus', '--help'], ['--key']])
    if (argv.includes('--help') || argv.includes('-h'))
      assert.deepEqual(parseArgs(sample, argv), { kind: 'help' }, argv.join(' '));
});

test('corral exec: options stop at -- or at the first word; the command line passes untouched', () => {
  const a = args(execSpec, ['--policy', 'p.json', '--workspace=/w', '--', 'ls', '--policy', '-h']);
  assert.deepEqual(a.options, { policy: 'p.json', workspace: '/w', audit: undefined });
  assert.deepEqual(a.trailing, ['ls', '--policy', '-h']);
  assert.deepEqual(args(execSpec, ['echo', '-n', 'hi']).trailing, ['echo', '-n', 'hi']);
  assert.match(refusal(execSpec, ['--policy', 'x', '--']), /^no CMD \[ARGS\.\.\.\] given; usage: /);
  assert.equal(
    refusal(execSpec, ['--polcy', 'x', '--', 'ls']),
    'unknown option "--polcy"; fix: did you mean "--policy"?',
  );
  assert.equal(execSpec.usageExit, 125);
});

test('no argument list makes the parser throw, and every refusal stays one line', () => {
  const words = fc.constantFrom(
    '--out',
    '--count',
    '--json',
    '--key',
    '--',
    '-h',
    '-',
    'x',
    '--count=2',
    '--key=',
    '--nope',
    '7',
    '',
  );
  fc.assert(
    fc.property(fc.array(words, { maxLength: 8 }), (argv) => {
      const r = parseArgs(sample, argv);
      if (r.kind === 'error') assert.ok(!r.message.includes('\n') && r.message.length > 0);
    }),
  );
});

test('a value parser that throws something else than ArgError is a bug and surfaces', () => {
  const broken = defineCommand({
    name: 'broken',
    summary: 'x',
    positionals: [],
    options: {
      n: {
        metavar: 'N',
        help: 'n',
        parse: () => {
          throw new TypeError('bug');
        },
      },
    },
  });
  assert.throws(() => parseArgs(broken, ['--n', '1']), TypeError);
  assert.ok(new ArgError('x') instanceof Error);
});

test('the help of every command comes from its table: every option and argument is in it', () => {
  const names = new Set<string>();
  for (const spec of COMMAND_SPECS) {
    assert.ok(!names.has(spec.name), `${spec.name} is listed twice`);
    names.add(spec.name);
    const help = helpText(spec);
    assert.ok(help.startsWith(`usage: ${usage(spec)}\n`), spec.name);
    for (const option of Object.keys(spec.options)) assert.ok(help.includes(`--${option}`), option);
    for (const p of spec.positionals) assert.ok(help.includes(p.name), p.name);
    assert.ok(help.includes('-h, --help'));
  }
});

test('corral COMMAND --help for every command prints its help and exits 0; corral --help lists them all', async () => {
  for (const spec of COMMAND_SPECS) {
    const fake = fakeIO('/');
    const code = await main([...spec.name.split(' '), '--help'], fake.io);
    assert.equal(code, 0, spec.name);
    assert.equal(fake.stdout(), helpText(spec), spec.name);
    assert.equal(fake.stderr(), '');
  }
  const all = fakeIO('/');
  assert.equal(await main(['--help'], all.io), 0);
  for (const spec of COMMAND_SPECS)
    assert.ok(all.stdout().includes(`corral ${spec.name} `), spec.name);
  const viaHelp = fakeIO('/');
  assert.equal(await main(['help', 'run'], viaHelp.io), 0);
  assert.equal(viaHelp.stdout(), helpText(runSpec));
});

test('unknown commands and verbs: one line with the fix, exit 2', async () => {
  const cases: [string[], string][] = [
    [['isntall'], 'corral: unknown command "isntall"; fix: did you mean "corral install"?\n'],
    [
      ['frobnicate'],
      'corral: unknown command "frobnicate"; fix: run "corral --help" for the list\n',
    ],
    [
      ['trust', 'ad'],
      'corral trust: unknown "ad"; fix: use one of "corral trust add", "corral trust list", "corral trust remove", "corral trust require"\n',
    ],
    [['policy'], 'corral policy: say what to do; fix: use one of "corral policy compile"\n'],
    [['run'], `corral run: give the DIR|ID; usage: ${usage(runSpec)}\n`],
  ];
  for (const [argv, line] of cases) {
    const fake = fakeIO('/');
    assert.equal(await main(argv, fake.io), 2, argv.join(' '));
    assert.equal(fake.stderr(), line);
  }
  const exec = fakeIO('/');
  assert.equal(await main(['exec', '--polcy', 'p', '--', 'ls'], exec.io), 125);
});
