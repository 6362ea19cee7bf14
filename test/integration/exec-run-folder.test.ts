// The run's own folder (${tmp}, TMPDIR, HOME) with `corral exec`, exactly as a user runs it, in
// both modes: bounded (in mode full it is the sandbox's memory, not the host's disk), removed
// whatever the command left in it without changing its exit status, swept at the next start when
// a killed run left it behind; and a workspace that holds the run folder, or is the root, works or
// says which option to change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  asRunUser,
  runAs,
  stageCli,
  withoutUserNamespaces,
  type Stage,
} from '../sandbox/harness.ts';

let stage: Stage;
let cli: string;
let ws: string;
let runs: string; // TMPDIR of the corral process: where its run folders go
before(() => {
  ({ stage, cli, ws } = stageCli());
  runs = stage.dir('runs', { writable: true });
});
after(() => stage.cleanup());

const NOBODY = 65534;
type Mode = 'full' | 'reduced';

/** `corral ARGS` as the run-as user; reduced: where no user namespace can be made. */
function corral(args: string[], mode: Mode = 'full') {
  const argv = [cli, ...args];
  const [file, rest] =
    mode === 'reduced'
      ? withoutUserNamespaces(process.execPath, argv)
      : asRunUser(process.execPath, argv);
  const r = spawnSync(file, rest, {
    cwd: stage.root,
    env: { PATH: '/usr/bin:/bin', HOME: stage.root, TMPDIR: runs },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, pid: r.pid };
}

const readWorkspace = () =>
  stage.file(
    'read-workspace.json',
    JSON.stringify({ permissions: { fs: [{ path: '${workspace}', access: 'read' }] } }),
  );

// Folders of mode 000 inside the run folder, made through descriptors (fchmod): mode reduced
// refuses chmod by path, not this.
const LOCK = `import os
d = os.path.join(os.environ["TMPDIR"], "locked")
os.makedirs(os.path.join(d, "inner"))
open(os.path.join(d, "inner", "f"), "w").close()
for path in (os.path.join(d, "inner"), d):
    fd = os.open(path, os.O_RDONLY)
    os.fchmod(fd, 0)
os._exit(7)`;

for (const mode of ['full', 'reduced'] as const) {
  test(`[${runAs}] ${mode}: a folder the command locks (mode 000) changes neither the status nor what is left`, () => {
    const r = corral(['exec', '--', '/usr/bin/python3', '-c', LOCK], mode);
    assert.equal(r.status, 7, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|cannot remove/);
    assert.deepEqual(readdirSync(runs), [], 'the run folder is gone');
  });
}

test(`[${runAs}] full: the run folder is the sandbox's memory, capped at its limit, never the host's disk`, () => {
  const policy = stage.file(
    'fill.json',
    JSON.stringify({ permissions: { process: { spawn: true } }, limits: { memoryMB: 64 } }),
  );
  const fill = `head -c 200000000 /dev/zero > "$TMPDIR/fill"; echo $?; df -kT "$TMPDIR" | tail -1`;
  const r = corral(['exec', '--policy', policy, '--', '/bin/sh', '-c', fill]);
  if (r.status === 137) {
    // A memory cgroup counts the tmpfs too: its OOM killer stopped the sandbox first.
    assert.match(r.stderr, /hit its memory limit \(64 MB\).*limits\.memoryMB/);
  } else {
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /No space left on device/);
    const [written, df] = r.stdout.trim().split('\n');
    assert.notEqual(written, '0');
    assert.match(df ?? '', /^\S+\s+tmpfs\s+65536\s/); // 64 MiB, the memory limit
  }
  // The control: 50 MB fits.
  const fits = corral([
    'exec',
    '--policy',
    policy,
    '--',
    '/bin/sh',
    '-c',
    'head -c 50000000 /dev/zero > "$TMPDIR/f" && echo ok',
  ]);
  assert.equal(fits.stdout, 'ok\n', fits.stderr);
});

test(`[${runAs}] a killed run's folder is swept at the next start: only ours, only when its owner is gone`, () => {
  const gone = spawnSync('/bin/true').pid!;
  const own = runAs === 'nobody' ? NOBODY : process.getuid!();
  const make = (name: string, uid = own) => {
    const path = join(runs, name);
    mkdirSync(join(path, 'left-behind'), { recursive: true });
    chownSync(join(path, 'left-behind'), uid, uid);
    chownSync(path, uid, uid);
    return path;
  };
  const stale = make(`corral-run-${gone}-abc123`);
  const alive = make(`corral-run-${process.pid}-def456`); // this test process is alive
  const foreign = make(`corral-run-${gone}-ghi789`, own === 0 ? NOBODY : 0);
  const r = corral(['exec', '--', '/bin/true']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(existsSync(stale), false, 'the stale one is removed');
  assert.ok(existsSync(alive), 'its owner still runs');
  assert.ok(existsSync(foreign), "another user's is not ours to remove");
  spawnSync('rm', ['-rf', alive, foreign]);
});

test(`[${runAs}] --workspace /tmp, which holds the run folder, simply works`, () => {
  for (const access of ['read', 'write']) {
    const policy = stage.file(
      `tmp-${access}.json`,
      JSON.stringify({ permissions: { fs: [{ path: '${workspace}', access }] } }),
    );
    const r = corral([
      'exec',
      '--policy',
      policy,
      '--workspace',
      '/tmp',
      '--',
      '/bin/cat',
      join(ws, 'notes.md'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'three little words\n');
  }
});

test(`[${runAs}] --workspace / or /proc is refused in one line naming --workspace and the fix`, () => {
  for (const folder of ['/', '/proc']) {
    const r = corral([
      'exec',
      '--policy',
      readWorkspace(),
      '--workspace',
      folder,
      '--',
      '/bin/echo',
      'RAN',
    ]);
    assert.equal(r.status, 125);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0] ?? '',
      new RegExp(
        `^corral exec: a grant of ${folder} cannot be made: .*fix: .*give --workspace a project folder$`,
      ),
    );
  }
  // The control: a project folder works.
  const ok = corral([
    'exec',
    '--policy',
    readWorkspace(),
    '--workspace',
    ws,
    '--',
    '/bin/echo',
    'RAN',
  ]);
  assert.equal(ok.stdout, 'RAN\n', ok.stderr);
});
