// `corral run` end to end as a user runs it: the bundled CLI, run as the current user and, when
// the suite is root, again as `nobody` (the whole host unprivileged, not only the sandbox).
// Results on stdout, refusals as one line and an exit status, the audit in --audit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  corralCli,
  eventsLike,
  runAs,
  stageRuntime,
  type CliRun,
  type RuntimeStage,
} from './fixtures/runtime-harness.ts';
import { auditEventSchema, type AuditEvent } from '../../app/audit-event/event.ts';

let stage: RuntimeStage;
let ws: string;
let home: string;
let auditDir: string;

before(() => {
  stage = stageRuntime();
  ws = stage.dir('ws');
  stage.file('ws/a.md', 'alpha beta\n');
  stage.file('ws/todo.py', 'pass  # TODO: remove\n');
  stage.ownDir('ws/notes'); // written by the broker, which runs as the run-as user here
  stage.dir('outside');
  stage.file('outside/secret.txt', 'the host secret\n');
  symlinkSync(join(stage.root, 'outside/secret.txt'), join(ws, 'link.md'));
  home = stage.ownDir('home'); // the CLI keeps extension data under $HOME/.local/share/corral
  stage.ownDir('home/Downloads');
  stage.file('home/Downloads/idea.md', 'an idea\n');
  auditDir = stage.ownDir('audit');
});
after(() => stage.cleanup());

const run = (args: string[]) => corralCli(stage, ['run', ...args], home);

/** `corral run DIR --workspace WS --audit FILE --command ID --args JSON`. */
const runCommand = (
  dir: string,
  command: string,
  args: unknown[] = [],
  audit = join(auditDir, 'runs.jsonl'),
) =>
  run([
    dir,
    '--workspace',
    ws,
    '--audit',
    audit,
    '--command',
    command,
    '--args',
    JSON.stringify(args),
  ]);

function auditOf(file: string): AuditEvent[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => auditEventSchema.parse(JSON.parse(line)));
}

/** A refusal: exit `status`, nothing on stdout, one line on stderr matching `line`. */
function refusedWith(r: CliRun, status: number, line: RegExp): void {
  assert.equal(r.status, status, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr.trimEnd(), line);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

test(`[${runAs}] corral run prints a command's result: word-count (Node) and todo-scan (Python)`, async () => {
  const wc = await runCommand(stage.example('word-count'), 'wordcount.count');
  assert.equal(wc.status, 0, wc.stderr);
  assert.deepEqual(JSON.parse(wc.stdout), {
    total: 2,
    files: [{ path: join(ws, 'a.md'), words: 2 }],
  });
  const todo = await runCommand(stage.example('todo-scan'), 'todo.scan');
  assert.equal(todo.status, 0, todo.stderr);
  assert.deepEqual(JSON.parse(todo.stdout), {
    items: [{ path: join(ws, 'todo.py'), line: 1, kind: 'TODO', text: 'remove' }],
    skipped: [],
  });
});

test(`[${runAs}] notes-sync writes its note; with no terminal to ask, the optional grant is denied`, async () => {
  const dir = stage.example('notes-sync');
  const audit = join(auditDir, 'notes.jsonl');
  const add = await runCommand(dir, 'notes.add', ['Plan', 'step one']);
  assert.equal(add.status, 0, add.stderr);
  assert.deepEqual(JSON.parse(add.stdout), { path: join(ws, 'notes/plan.md'), notes: 1 });
  assert.equal(readFileSync(join(ws, 'notes/plan.md'), 'utf8'), '# Plan\n\nstep one\n');
  const index = join(home, '.local/share/corral/data/corral-examples.notes-sync/index.json');
  assert.match(readFileSync(index, 'utf8'), /"slug": "plan"/);

  const file = join(home, 'Downloads/idea.md');
  const imp = await runCommand(dir, 'notes.import', [file], audit);
  refusedWith(
    imp,
    1,
    /^corral run: reading Downloads was not allowed, so .*idea\.md was not imported/,
  );
  const [request] = eventsLike(auditOf(audit), { kind: 'permission', op: 'request' });
  assert.equal(request?.decision, 'deny');
  assert.equal(request?.reason, 'fs[0]: the question could not be shown');
});

test(`[${runAs}] a refused call exits 1 with the reason on one line, and --audit records it`, async () => {
  const audit = join(auditDir, 'mischief.jsonl');
  const dir = stage.example('mischief');
  const tries: [[string, unknown[]], RegExp, Partial<AuditEvent>][] = [
    [
      ['mischief.readFile', ['/etc/shadow']],
      /^corral run: permission denied: no grant covers \/etc\/shadow$/,
      { kind: 'fs', op: 'read', target: '/etc/shadow' },
    ],
    [
      ['mischief.readViaSymlink', []],
      /^corral run: permission denied: no grant covers .*secret\.txt \(.*link\.md resolves to/,
      { kind: 'fs', op: 'read', target: join(ws, 'link.md') },
    ],
    [
      ['mischief.fetch', ['https://evil.example.com/']],
      /^corral run: permission denied: no grant covers evil\.example\.com:443$/,
      { kind: 'net', op: 'fetch', target: 'evil.example.com:443' },
    ],
  ];
  for (const [[command, args], line, like] of tries) {
    const r = await runCommand(dir, command, args, audit);
    refusedWith(r, 1, line);
    const events = eventsLike(auditOf(audit), like);
    assert.deepEqual(
      events.map((e) => [e.layer, e.decision, e.ext]),
      [['broker', 'deny', 'corral-examples.mischief']],
      command,
    );
  }
  const events = auditOf(audit);
  assert.deepEqual(
    events.map((e) => e.seq),
    events.map((_, i) => i),
    'one numbering across the runs',
  );
  assert.equal(
    eventsLike(events, { op: 'start', outcome: 'ok', kind: 'lifecycle', layer: 'host' }).length >=
      3,
    true,
  );
});

test(`[${runAs}] a crashing extension: exit 1, how it ended on one line, and the crash in the audit`, async () => {
  const audit = join(auditDir, 'crash.jsonl');
  const r = await runCommand(stage.example('mischief'), 'mischief.crash', [], audit);
  refusedWith(
    r,
    1,
    /^corral run: corral-examples\.mischief stopped unexpectedly \(exit status 3\) while running mischief\.crash$/,
  );
  const [crash] = eventsLike(auditOf(audit), { kind: 'lifecycle', op: 'crash' });
  assert.equal(crash?.reason, 'the extension stopped unexpectedly (exit status 3)');
});

test(`[${runAs}] corral run refuses a bad folder, manifest, command or argument in one line`, async () => {
  const broken = stage.dir('broken');
  writeFileSync(join(broken, 'corral.json'), JSON.stringify({ manifestVersion: 1, id: 'x' }));
  const typo = stage.example(
    'word-count',
    (m) => {
      m.permisions = m.permissions;
      delete m.permissions;
    },
    'word-count-typo',
  );
  const unbuilt = stage.example(
    'word-count',
    (m) => (m.main = 'dist/missing.cjs'),
    'word-count-unbuilt',
  );
  const wc = stage.example('word-count');
  const cases: [string[], number, RegExp][] = [
    [
      [join(stage.root, 'nope')],
      1,
      /nope is not an extension folder; fix: give the folder that holds corral\.json/,
    ],
    [[stage.dir('empty')], 1, /empty\/corral\.json/],
    [[broken], 1, /broken\/corral\.json: .*(name|version|publisher|runtime|main)/],
    [[typo], 1, /word-count-typo\/corral\.json: .*permisions/],
    [[unbuilt], 1, /\/main: dist\/missing\.cjs does not exist in the extension folder; fix: build/],
    [
      [wc, '--command', 'wordcount.nope'],
      2,
      /has no command "wordcount\.nope" \(it contributes: wordcount\.count\)/,
    ],
    [
      [wc, '--command', 'wordcount.count', '--args', '{"a":1}'],
      2,
      /--args \{"a":1\}: give a JSON array/,
    ],
    [[wc, '--workspace', join(stage.root, 'nope')], 2, /--workspace .* is not an existing folder/],
    [[wc, wc], 2, /unexpected ".*word-count"; usage: corral run DIR\|ID/],
  ];
  for (const [args, status, line] of cases) {
    const r = await run(args);
    refusedWith(r, status, new RegExp(`^corral run: .*${line.source}`));
  }
});
