// `corral log` as users run it: the bundled CLI (dist/corral.cjs, from `npm run build`) over a
// real store: filters, formats, --verify's verdicts and exit statuses, --follow until Ctrl-C, a
// JSON-lines file, and `corral run` writing into the store by default.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { auditEventSchema } from '../../app/audit-event/event.ts';
import { openAuditStore } from '../../app/audit/store.ts';

const repo = new URL('../..', import.meta.url).pathname;
const cli = join(repo, 'dist/corral.cjs');
let home: string;
let store: string;

function env(): NodeJS.ProcessEnv {
  return { PATH: '/usr/bin:/bin', HOME: home, XDG_STATE_HOME: join(home, 'state') };
}

function corral(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: home,
    env: env(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function record(...events: Parameters<ReturnType<typeof openAuditStore>['record']>[0][]): void {
  const s = openAuditStore(store);
  for (const e of events) s.record(e);
  s.close();
}

const base = {
  layer: 'broker' as const,
  kind: 'fs' as const,
  op: 'read',
  decision: 'allow' as const,
  reason: 'grant fs[0]',
};

before(() => {
  assert.ok(existsSync(cli), 'run "npm run build" first');
  home = mkdtempSync(join(tmpdir(), 'corral-log-cli-'));
  store = join(home, 'state', 'corral', 'audit.db');
});
after(() => rmSync(home, { recursive: true, force: true }));

test('with no audit store yet: exit 1 and where it will be', () => {
  const r = corral(['log']);
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    `corral log: no audit log at ${store} yet (corral run writes it); fix: run an extension first, or give --file PATH\n`,
  );
});

test('the table, JSON lines and CSV, filtered by extension, decision, kind and time', () => {
  record(
    { ...base, ext: 'acme.a', target: '/w/one.md' },
    {
      ...base,
      ext: 'acme.a',
      kind: 'net',
      op: 'fetch',
      target: 'https://x.example/',
      decision: 'deny',
      reason: 'no grant',
    },
    { ...base, ext: 'acme.b', target: '/w/\x1b[2Jclear.md' },
    { ...base, ext: 'acme.a', target: '=cmd|calc', decision: 'deny', reason: 'outside the grants' },
  );
  const table = corral(['log']);
  assert.equal(table.status, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^time +ext +layer +kind +op +target +result +reason$/);
  assert.equal(lines.length, 5);
  assert.match(lines[3]!, /acme\.b .*\/w\/\\x1b\[2Jclear\.md/, 'control characters shown escaped');
  assert.equal(table.stdout.includes('\x1b'), false);

  const json = corral(['log', '--ext', 'acme.a', '--decision', 'deny', '--json']);
  assert.equal(json.status, 0, json.stderr);
  const events = json.stdout
    .trimEnd()
    .split('\n')
    .map((l) => auditEventSchema.parse(JSON.parse(l)));
  assert.deepEqual(
    events.map((e) => [e.seq, e.target]),
    [
      [1, 'https://x.example/'],
      [3, '=cmd|calc'],
    ],
  );

  const csv = corral(['log', '--kind', 'fs', '--decision', 'deny', '--csv']);
  assert.equal(csv.status, 0, csv.stderr);
  assert.match(
    csv.stdout,
    /^seq,ts,ext,layer,kind,op,target,decision,outcome,reason,durationUs,v\r\n3,\S+,acme\.a,broker,fs,read,'=cmd\|calc,deny,,outside the grants,,2\r\n$/,
  );

  assert.equal(corral(['log', '--since', '1h', '--json']).stdout.trimEnd().split('\n').length, 4);
  assert.equal(corral(['log', '--until', '2000-01-01', '--json']).stdout, '');
  const last = corral(['log', '--limit', '2', '--json']).stdout.trimEnd().split('\n');
  assert.deepEqual(
    last.map((l) => (JSON.parse(l) as { seq: number }).seq),
    [2, 3],
  );
});
test('--outcome finds crashes and timeouts; --decision deny lists only what the policy refused', () => {
  const life = { layer: 'host' as const, kind: 'lifecycle' as const, reason: 'r' };
  const file = join(home, 'outcomes.db'); // its own store: the other tests count the main one
  const s = openAuditStore(file);
  for (const e of [
    { ...life, ext: 'acme.c', op: 'crash', target: '/ext', outcome: 'crashed' as const },
    {
      ...life,
      ext: 'acme.c',
      kind: 'limit' as const,
      op: 'timeout',
      target: 'x.run',
      outcome: 'timeout' as const,
    },
    {
      ...base,
      ext: 'acme.c',
      target: '/etc/shadow',
      decision: 'deny' as const,
      reason: 'no grant',
    },
  ])
    s.record(e);
  s.close();
  const seqsOf = (args: string[]) =>
    corral(['log', '--file', file, ...args, '--json'])
      .stdout.trimEnd()
      .split('\n')
      .map((l) => auditEventSchema.parse(JSON.parse(l)).target);
  assert.deepEqual(seqsOf(['--outcome', 'crashed']), ['/ext']);
  assert.deepEqual(seqsOf(['--decision', 'deny']), ['/etc/shadow']);
  const bad = corral(['log', '--outcome', 'exploded']);
  assert.equal(bad.status, 2);
  assert.match(
    bad.stderr,
    /--outcome exploded: use one of ok, failed, crashed, timeout, limit, alert/,
  );
});

test('--verify: "chain intact" and exit 0, or the first broken seq and exit 1', () => {
  const ok = corral(['log', '--verify']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^chain intact: 4 events \(seq 0\.\.3\); head sha256 [0-9a-f]{64}\n$/);

  const copy = join(home, 'tampered.db');
  const db = new Database(store, { readonly: true });
  db.prepare('VACUUM INTO ?').run(copy);
  db.close();
  const t = new Database(copy);
  t.prepare("UPDATE events SET decision = 'allow' WHERE seq = 1").run();
  t.close();
  const broken = corral(['log', '--verify', '--file', copy]);
  assert.equal(broken.status, 1);
  assert.equal(
    broken.stdout,
    "chain broken at seq 1: its hash does not match its content and the previous event's hash (edited, reordered or replaced) (1 events before it verified)\n",
  );
});

test('usage errors exit 2 with one line; a file that is not a log exits 1', () => {
  for (const args of [
    ['log', '--json', '--csv'],
    ['log', '--kind', 'disk'],
    ['log', '--verify', '--json'],
    ['log', 'extra'],
  ]) {
    const r = corral(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /^corral log: [^\n]+\n$/);
  }
  const notes = join(home, 'notes.db');
  writeFileSync(notes, 'SQLite format 3\0 but not really, just text that follows the magic');
  const r = corral(['log', '--file', notes]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^corral log: .*notes\.db/);
  assert.equal(corral(['log', '--file', join(home, 'missing.db')]).status, 1);
});

test('--file reads a JSON-lines log written by --audit (filters apply; --verify has no chain to check)', () => {
  const file = join(home, 'exec.jsonl');
  const lines = [
    { seq: 0, ts: '2026-11-25T21:00:00.000Z', ext: 'exec', ...base, target: '/a' },
    {
      seq: 1,
      ts: '2026-11-25T21:00:01.000Z',
      ext: 'exec',
      ...base,
      target: '/b',
      decision: 'deny',
    },
  ];
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"seq":2,"torn');
  const r = corral(['log', '--file', file, '--decision', 'deny', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), lines[1]);
  assert.match(
    r.stderr,
    /exec\.jsonl: the last line is incomplete \(its writer stopped mid-line\); it was skipped/,
  );
  const v = corral(['log', '--file', file, '--verify']);
  assert.equal(v.status, 1);
  assert.match(v.stderr, /holds JSON lines, which carry no hash chain/);
});

test('--follow prints the last events, then new ones as they commit, until Ctrl-C (exit 0)', async () => {
  record({ ...base, ext: 'acme.live', target: '/live/0' });
  const child = spawn(process.execPath, [cli, 'log', '--follow', '--ext', 'acme.live', '--json'], {
    cwd: home,
    env: env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    // The backlog is printed before the subscription starts: once a line is out, it follows.
    for (let t = 0; t < 300 && out === ''; t++) await new Promise((done) => setTimeout(done, 50));
    assert.match(out, /"\/live\/0"/, `no backlog printed: ${err}`);
    for (let t = 0; t < 20 && !out.endsWith('\n'); t++) await new Promise((d) => setTimeout(d, 50));
    out = '';
    record(
      { ...base, ext: 'acme.live', target: '/live/1' },
      { ...base, ext: 'acme.other', target: '/not/shown' },
      { ...base, ext: 'acme.live', target: '/live/2', decision: 'deny' },
    );
    for (let t = 0; t < 100 && out.trimEnd().split('\n').length < 2; t++)
      await new Promise((done) => setTimeout(done, 50));
    assert.deepEqual(
      out
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { target: string }).target),
      ['/live/1', '/live/2'],
    );
    child.kill('SIGINT');
    assert.equal(await exited, 0, err);
  } finally {
    child.kill('SIGKILL');
  }
});

test('corral run writes into the audit store by default, and corral log reads it back', () => {
  const ws = join(home, 'ws');
  mkdirSync(ws);
  writeFileSync(join(ws, 'notes.md'), 'three little words\n');
  const r = corral([
    'run',
    join(repo, 'examples/word-count'),
    '--workspace',
    ws,
    '--command',
    'wordcount.count',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const log = corral(['log', '--ext', 'corral-examples.word-count', '--json']);
  assert.equal(log.status, 0, log.stderr);
  const events = log.stdout
    .trimEnd()
    .split('\n')
    .map((l) => auditEventSchema.parse(JSON.parse(l)));
  assert.ok(
    events.some((e) => e.kind === 'fs' && e.decision === 'allow' && e.target.startsWith(ws)),
    log.stdout,
  );
  assert.equal(corral(['log', '--verify']).status, 0);
});
