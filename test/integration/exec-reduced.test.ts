// `corral exec` and `corral doctor` where user namespaces are off, exactly as a user runs them:
// the bundled CLI, the real helper, the real kernel, in a user namespace of the test's own whose
// user.max_user_namespaces is 0 (test/sandbox/harness.ts). The mode must be chosen by itself.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asRunUser, runAs, stageCli, withoutUserNamespaces } from '../sandbox/harness.ts';
import { auditEventSchema } from '../../app/audit-event/event.ts';

let staged: ReturnType<typeof stageCli>;
/** The same CLI with the test build of the helper that sees Landlock ABI 3 (Linux 6.2-6.6). */
let abi3: ReturnType<typeof stageCli>;
before(() => {
  staged = stageCli();
  abi3 = stageCli({ landlockAbi: 3 });
});
after(() => {
  staged.stage.cleanup();
  abi3.stage.cleanup();
});

/** `corral ARGS` as the run-as user, with or without user namespaces on the machine. */
function corral(
  args: string[],
  o: { userns?: boolean; cli?: typeof staged } = {},
): { status: number | null; stdout: string; stderr: string } {
  const { stage, cli } = o.cli ?? staged;
  const argv = [cli, ...args];
  const [file, rest] =
    o.userns === true
      ? asRunUser(process.execPath, argv)
      : withoutUserNamespaces(process.execPath, argv);
  const r = spawnSync(file, rest, {
    cwd: stage.root,
    env: { PATH: '/usr/bin:/bin', HOME: stage.root },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const REDUCED_LINE =
  /^corral exec: reduced mode \(this machine offers no user namespaces\): .*"corral doctor" lists what that gives up\n$/;

test(`[${runAs}] corral doctor states reduced mode, what it gives up and how to get full mode`, () => {
  const r = corral(['doctor']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Linux \S+ \(x86_64|aarch64\), Landlock ABI \d+, as uid \d+\n/);
  assert.match(r.stdout, /MISSING {2}user {11}.*user\.max_user_namespaces is 0/);
  assert.match(r.stdout, /\nsandbox mode: reduced\n/);
  assert.match(r.stdout, /What reduced mode gives up:\n {2}- /);
  assert.match(r.stdout, /For full mode, enable:\n {2}- user: .*user\.max_user_namespaces > 0/);
  // The memory layer in force: root makes cgroups here, nobody cannot.
  const cgroup = runAs === 'self' && process.getuid?.() === 0;
  assert.match(r.stdout, cgroup ? /\nmemory: cgroup v1: / : /\nmemory: no cgroup for this user: /);
  const json = JSON.parse(corral(['doctor', '--json']).stdout) as {
    mode: string;
    degradations: string[];
    layers: { user: { ok: boolean } };
    cgroupLimits: string;
    memoryLayer: string;
  };
  assert.equal(json.cgroupLimits, cgroup ? 'v1' : 'none');
  assert.match(json.memoryLayer, cgroup ? /^cgroup v1: / : /^no cgroup for this user: /);
  assert.equal(json.mode, 'reduced');
  assert.equal(json.layers.user.ok, false);
  assert.ok(json.degradations.length >= 5);
  // The control: with user namespaces, the same machine runs in full mode.
  assert.match(corral(['doctor'], { userns: true }).stdout, /\nsandbox mode: full\n/);
});

test(`[${runAs}] corral exec picks reduced mode by itself, says so in one line, and audits it`, () => {
  const { stage } = staged;
  const log = join(stage.dir('audit', { writable: true }), 'events.jsonl');
  const r = corral(['exec', '--audit', log, '--', '/bin/echo', 'hello']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'hello\n');
  assert.match(r.stderr, REDUCED_LINE);
  const events = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => auditEventSchema.parse(JSON.parse(line)));
  const start = events.find((e) => e.op === 'start');
  assert.match(start?.reason ?? '', /^sandbox ready in reduced mode: mode=reduced,landlock=\d,/);
  assert.equal(corral(['exec', '--', '/bin/sh', '-c', 'exit 7']).status, 7);
  // With user namespaces: full mode, and no such line.
  const full = corral(['exec', '--', '/bin/echo', 'hello'], { userns: true });
  assert.equal(full.stderr, '');
});

test(`[${runAs}] in reduced mode the workspace is readable, out/ writable, and nothing else`, () => {
  const { stage, ws } = staged;
  const policy = stage.file(
    'read-ws.json',
    JSON.stringify({
      permissions: {
        fs: [
          { path: '${workspace}', access: 'read' },
          { path: '${workspace}/out', access: 'write' },
        ],
      },
    }),
  );
  const run = (...cmd: string[]) =>
    corral(['exec', '--policy', policy, '--workspace', ws, '--', ...cmd]);
  const read = run('/usr/bin/wc', '-w', join(ws, 'notes.md'));
  assert.equal(read.status, 0, read.stderr);
  assert.match(read.stdout, /^3 /);
  const write = run('/bin/sh', '-c', `echo made > ${ws}/out/new.txt`);
  assert.equal(write.status, 0, write.stderr);
  assert.equal(readFileSync(join(ws, 'out/new.txt'), 'utf8'), 'made\n');
  const readOnly = run('/bin/sh', '-c', `echo x > ${ws}/notes.md`);
  assert.notEqual(readOnly.status, 0);
  assert.equal(readFileSync(join(ws, 'notes.md'), 'utf8'), 'three little words\n');
  for (const secret of [join(stage.root, 'outside/secret.txt'), '/etc/shadow']) {
    const r = run('/bin/cat', secret);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /Permission denied/);
  }
  // TMPDIR is the run's own folder, and programs can use it.
  const tmp = run('/bin/sh', '-c', 'echo x > "$TMPDIR/f" && read l < "$TMPDIR/f" && echo $l');
  assert.equal(tmp.stdout, 'x\n', tmp.stderr);
});

test(`[${runAs}] refuses with one line and exit 125 where not even reduced mode is possible`, () => {
  const { stage } = abi3;
  const log = join(stage.dir('audit-refused', { writable: true }), 'events.jsonl');
  const r = corral(['exec', '--audit', log, '--', '/bin/echo', 'RAN'], { cli: abi3 });
  assert.equal(r.status, 125);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /^corral exec: Nothing can be sandboxed here: landlock ABI 3 is too old, .* Fix: "corral doctor" says what to enable\.\n$/,
  );
  const event = auditEventSchema.parse(JSON.parse(readFileSync(log, 'utf8').trim()));
  assert.deepEqual([event.decision, event.outcome], [undefined, 'failed']);
  assert.match(event.reason, /^sandbox not set up: Nothing can be sandboxed here/);
  const doctor = corral(['doctor'], { cli: abi3 });
  assert.equal(doctor.status, 1);
  assert.match(doctor.stdout, /\nsandbox mode: refused\n/);
  assert.match(
    doctor.stdout,
    /landlock ABI 3 has no TCP rules: reduced mode needs ABI 4 \(Linux 6\.7/,
  );
});
