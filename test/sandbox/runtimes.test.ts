// Legitimate work must keep working: Node and Python scripts read the workspace, write under a
// write grant, and start a child program exactly when execution of it is granted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  asRunUser,
  missingLayers,
  planFor,
  runSandboxed,
  stageSandbox,
  startup,
} from './harness.ts';

const stage = stageSandbox();
after(() => stage.cleanup());
const skip = missingLayers(stage);

const runtimes = [
  { name: 'node', program: '/usr/bin/node', script: 'work.mjs' },
  { name: 'python3', program: '/usr/bin/python3', script: 'work.py' },
];

describe('legitimate work in the sandbox', { skip }, () => {
  for (const { name, program, script } of runtimes) {
    const ws = stage.dir(`${name}-ws`);
    const input = stage.file(`${name}-ws/input.txt`, `hello from ${name}`);
    const out = stage.dir(`${name}-out`, { writable: true });
    const output = join(out, 'result.txt');
    const run = (exec: string[], spawn: boolean) =>
      runSandboxed(
        stage,
        planFor({
          exec,
          spawn,
          ro: [ws, stage.fixtures],
          rw: [out],
          tmpfs: ['/tmp'],
          cwd: ws,
          env: { PATH: '/usr/bin:/bin', HOME: out, LANG: 'C.UTF-8' },
        }),
        program,
        [join(stage.fixtures, script), input, output],
      );

    it(`${name}: reads the workspace and writes its grant, but may not spawn by default`, async () => {
      // The runtime is the one program: the extension has no spawn grant.
      const r = await run(startup(program), false);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { read: `hello from ${name}`, spawn: 'EPERM' });
      assert.ok(r.status.includes('deny syscall execve'), r.status.join('\n'));
      assert.equal(readFileSync(output, 'utf8'), `HELLO FROM ${name.toUpperCase()}`);
      assert.equal(r.status.at(-1), 'exit code 0');
    });

    it(`${name}: spawns a child where spawning is granted`, async () => {
      const r = await run([...startup(program), '/usr/bin'], true);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { read: `hello from ${name}`, spawn: 0 });
    });
  }
});

describe('legitimate work under every memory layer', { skip }, () => {
  // What closes the memory the rlimits do not count (no memfd or shared anonymous memory without
  // a cgroup, a capped tmpfs, a read-only /dev/zero, noexec scratch) must not stop ordinary work.
  const worker = stage.file(
    'legit-worker.js',
    `const { Worker } = require('worker_threads');
new Worker('require("worker_threads").parentPort.postMessage(6 * 7)', { eval: true })
  .on('message', (m) => console.log('worker', m));\n`,
  );
  const pool = stage.file(
    'legit-pool.py',
    "from multiprocessing import Pool\nprint('pool', sum(Pool(2).map(abs, [-1, -2, 3])))\n",
  );
  // Mode reduced refuses chmod by path (Landlock does not cover it), and `git init` chmods its
  // config: there the repository is made outside first (docs/platforms.md).
  const steps = (work: string, init: boolean) => [
    `cd ${work} && rm -rf repo.tgz`,
    `node ${worker}`,
    `python3 ${pool} 2>&1 | tail -1`,
    `${init ? 'git init -q repo && ' : ''}cd repo && echo hi > f && git add f`,
    'git -c user.name=a -c user.email=a@b commit -qm one && git log --format=%s && cd ..',
    "tar czf repo.tgz repo && tar tzf repo.tgz | grep -c '^repo/f$'",
  ];

  for (const mode of ['full', 'reduced'] as const) {
    it(`node workers, python multiprocessing, git and tar work (mode ${mode})`, async () => {
      const work = stage.dir(`legit-work-${mode}`, { writable: true });
      if (mode === 'reduced') {
        const init = spawnSync(...asRunUser('/usr/bin/git', ['init', '-q', join(work, 'repo')]));
        assert.equal(init.status, 0, String(init.stderr));
      }
      const plan = planFor({
        mode,
        exec: ['/usr/bin', '/usr/lib', ...startup('/bin/sh')],
        ro: [worker, pool],
        rw: [work],
        ...(mode === 'full' ? { tmpfs: ['/tmp'] } : {}),
        env: { PATH: '/usr/bin:/bin', HOME: work, TMPDIR: mode === 'full' ? '/tmp' : work },
        limits: { memoryBytes: 256 << 20 },
      });
      const r = await runSandboxed(
        stage,
        plan,
        '/bin/sh',
        ['-c', steps(work, mode === 'full').join('; ')],
        {
          ...(mode === 'reduced' ? { noUserNamespaces: true } : {}),
        },
      );
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines[0], 'worker 42', r.stderr);
      // Python's multiprocessing needs POSIX semaphores in /dev/shm, which mode reduced does not
      // grant (it would be the host's, shared with every user): docs/platforms.md.
      if (mode === 'full') assert.equal(lines[1], 'pool 6', r.stderr);
      else assert.match(lines[1] ?? '', /^PermissionError: /);
      assert.deepEqual(lines.slice(2), ['one', '1'], r.stderr);
    });
  }
});
