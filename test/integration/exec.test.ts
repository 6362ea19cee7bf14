// `corral exec` end to end, exactly as a user runs it: the bundled CLI, the real helper, the real
// kernel. Runs as the current user and, when the suite is root, again as `nobody`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asRunUser, runAs, stageCli, type Stage } from '../sandbox/harness.ts';
import { auditEventSchema, type AuditEvent } from '../../app/audit-event/event.ts';

let stage: Stage;
let cli: string;
let ws: string;

before(() => {
  ({ stage, cli, ws } = stageCli());
});
after(() => stage.cleanup());

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `corral ARGS` as the run-as user, with a plain environment (and a secret the sandbox must not see). */
function corral(args: string[], extraFd?: number): Run {
  const [file, argv] = asRunUser(process.execPath, [cli, ...args]);
  const r = spawnSync(file, argv, {
    cwd: stage.root,
    env: { PATH: '/usr/bin:/bin', HOME: stage.root, CORRAL_TEST_SECRET: 'hunter2' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe', ...(extraFd === undefined ? [] : [extraFd])],
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function policy(name: string, body: unknown): string {
  return stage.file(`${name}.json`, JSON.stringify(body));
}

function auditOf(file: string): AuditEvent[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => auditEventSchema.parse(JSON.parse(line)));
}

const readWs = () =>
  policy('read-ws', {
    permissions: {
      fs: [
        { path: '${workspace}', access: 'read' },
        { path: '${workspace}/out', access: 'write' },
      ],
    },
  });

test(`[${runAs}] runs a command with nothing granted and passes its output and status through`, () => {
  const ok = corral(['exec', '--', '/bin/echo', 'hello']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, 'hello\n');
  assert.equal(corral(['exec', '--', '/bin/sh', '-c', 'exit 7']).status, 7);
  assert.equal(corral(['exec', '--', '/bin/sh', '-c', 'kill -9 $$']).status, 137);
});

test(`[${runAs}] refuses bad input with exit 125, one line naming the fix, and runs nothing`, () => {
  const typo = policy('typo', { permissions: { fss: [] } });
  for (const [args, fragment] of [
    [['exec', '--policy', typo, '--', '/bin/echo', 'RAN'], /typo\.json.*fss/],
    [
      ['exec', '--policy', join(stage.root, 'missing.json'), '--', '/bin/echo', 'RAN'],
      /cannot read the policy/,
    ],
    [['exec', '--polcy', 'x', '--', '/bin/echo', 'RAN'], /unknown option "--polcy"/],
    [['exec', '--', 'no-such-program-anywhere'], /not in the sandbox's PATH/],
    [
      ['exec', '--workspace', join(stage.root, 'nope'), '--', '/bin/echo', 'RAN'],
      /--workspace .* is not an existing folder/,
    ],
    [['exec', '--policy', readWs(), '--', '/bin/echo', 'RAN'], /no folder is open.*--workspace/],
  ] as const) {
    const r = corral([...args]);
    assert.equal(r.status, 125, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', 'nothing ran');
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, fragment);
  }
});

/** `corral exec --policy P --workspace WS -- CMD…`, the shape most tests here use. */
const inWorkspace = (p: string, ...cmd: string[]) =>
  corral(['exec', '--policy', p, '--workspace', ws, '--', ...cmd]);

test(`[${runAs}] the workspace is readable, its out/ writable, and nothing else of the host exists`, () => {
  const p = readWs();
  const read = inWorkspace(p, '/usr/bin/wc', '-w', join(ws, 'notes.md'));
  assert.equal(read.status, 0, read.stderr);
  assert.match(read.stdout, /^3 /);
  const write = inWorkspace(p, '/bin/sh', '-c', `echo made > ${ws}/out/new.txt`);
  assert.equal(write.status, 0, write.stderr);
  assert.equal(readFileSync(join(ws, 'out/new.txt'), 'utf8'), 'made\n');
  const readOnly = inWorkspace(p, '/bin/sh', '-c', `echo x > ${ws}/notes.md`);
  assert.notEqual(readOnly.status, 0);
  assert.equal(readFileSync(join(ws, 'notes.md'), 'utf8'), 'three little words\n');
  const outside = inWorkspace(p, '/bin/cat', join(stage.root, 'outside/secret.txt'));
  assert.notEqual(outside.status, 0);
  assert.doesNotMatch(outside.stdout, /not for extensions/);
  const shadow = corral(['exec', '--', '/bin/cat', '/etc/shadow']);
  assert.notEqual(shadow.status, 0);
});

test(`[${runAs}] no secret crosses in the environment or an inherited descriptor`, () => {
  const env = corral(['exec', '--', '/usr/bin/env']);
  assert.equal(env.status, 0, env.stderr);
  assert.doesNotMatch(env.stdout, /hunter2/);
  const secretFd = openSync(join(stage.root, 'outside/secret.txt'), 'r');
  const fds = corral(['exec', '--', '/bin/ls', '/proc/self/fd'], secretFd);
  assert.equal(fds.status, 0, fds.stderr);
  assert.deepEqual(fds.stdout.trim().split('\n').sort(), ['0', '1', '2', '3']); // 3: ls's own listing
});

test(`[${runAs}] --audit appends valid events: set-up, refused system calls, limit hits, the exit`, () => {
  const log = join(stage.dir('audit', { writable: true }), 'events.jsonl');
  const ptrace = corral([
    'exec',
    '--audit',
    log,
    '--',
    '/usr/bin/python3',
    '-c',
    'import ctypes; print(ctypes.CDLL(None).ptrace(0, 0, 0, 0))',
  ]);
  assert.equal(ptrace.status, 0, ptrace.stderr);
  assert.equal(ptrace.stdout.trim(), '-1', 'ptrace is refused');
  const slow = policy('slow', { limits: { timeoutMs: 400 } });
  const timeout = corral(['exec', '--audit', log, '--policy', slow, '--', '/bin/sleep', '5']);
  assert.equal(timeout.status, 137);
  assert.match(timeout.stderr, /time limit \(400 ms\).*limits\.timeoutMs/);

  const events = auditOf(log);
  assert.deepEqual(
    events.map((e) => e.seq),
    events.map((_, i) => i),
    'one numbering across runs',
  );
  const find = (pred: (e: AuditEvent) => boolean) => events.find(pred);
  assert.ok(
    find((e) => e.kind === 'lifecycle' && e.op === 'start' && /landlock=\d/.test(e.reason)),
  );
  assert.ok(find((e) => e.layer === 'kernel' && e.op === 'ptrace' && e.decision === 'deny'));
  // A timeout is not a denial: it has its own outcome (audit event version 2).
  assert.ok(find((e) => e.kind === 'limit' && e.op === 'timeout' && e.outcome === 'timeout'));
  assert.ok(find((e) => e.op === 'exit' && e.reason === 'killed by signal 9'));
  assert.ok(events.every((e) => e.v === 2 && (e.decision === 'deny') === (e.op === 'ptrace')));
});

test(`[${runAs}] killing corral exec takes the whole sandbox with it`, async () => {
  const dir = stage.dir('alive', { writable: true });
  const p = policy('alive', {
    permissions: { fs: [{ path: dir, access: 'write' }], process: { spawn: true } },
  });
  /** Starts `corral exec` running a script that says it started, then writes `name` 1.5 s later. */
  const start = (name: string) => {
    const script = `echo > ${dir}/${name}.started; sleep 1.5; echo alive > ${dir}/${name}`;
    const [file, argv] = asRunUser(process.execPath, [
      cli,
      'exec',
      '--policy',
      p,
      '--',
      '/bin/sh',
      '-c',
      script,
    ]);
    // setpriv execs node: the pid is corral exec's own, the only process this test kills.
    return spawn(file, argv, { stdio: 'ignore', env: { PATH: '/usr/bin:/bin' } });
  };
  const until = async (what: string, ok: () => boolean) => {
    for (let t = 0; !ok(); t += 50) {
      if (t > 15_000) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  // The control: left alone, the script writes its file.
  const control = start('control');
  await new Promise((r) => control.once('exit', r));
  assert.equal(existsSync(join(dir, 'control')), true, 'the script writes when not killed');

  const child = start('killed');
  await until('the script to start', () => existsSync(join(dir, 'killed.started')));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  await new Promise((r) => setTimeout(r, 2500)); // past the script's 1.5 s
  assert.equal(
    existsSync(join(dir, 'killed')),
    false,
    'a process of the sandbox outlived corral exec',
  );
});

test(`[${runAs}] a limit hit never harms the host: fork bomb and memory bomb end, the host goes on`, () => {
  const tight = policy('tight', {
    limits: { pids: 16, memoryMB: 64, timeoutMs: 10_000 },
    permissions: { process: { spawn: true } },
  });
  const bomb = corral([
    'exec',
    '--policy',
    tight,
    '--',
    '/bin/sh',
    '-c',
    'b() { b | b & }; b; sleep 1; echo done',
  ]);
  assert.ok(bomb.status !== null, 'the fork bomb ended');
  const mem = corral([
    'exec',
    '--policy',
    tight,
    '--',
    '/usr/bin/python3',
    '-c',
    'x = bytearray(512 * 1024 * 1024)',
  ]);
  assert.notEqual(mem.status, 0);
  assert.match(mem.stderr, /MemoryError/);
  assert.equal(corral(['exec', '--', '/bin/true']).status, 0, 'the host still runs sandboxes');
});

test(`[${runAs}] spawning another program needs process.spawn`, () => {
  const noSpawn = corral(['exec', '--', '/bin/sh', '-c', '/bin/echo child']);
  assert.notEqual(noSpawn.status, 0);
  assert.doesNotMatch(noSpawn.stdout, /child/);
  const spawnOk = policy('spawn', { permissions: { process: { spawn: true } } });
  const yes = corral(['exec', '--policy', spawnOk, '--', '/bin/sh', '-c', '/bin/echo child']);
  assert.equal(yes.status, 0, yes.stderr);
  assert.equal(yes.stdout, 'child\n');
});
