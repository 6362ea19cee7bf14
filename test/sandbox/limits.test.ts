// Resource limits: a bomb of any kind stops at its limit inside the sandbox, the host never
// notices, and the status lines say which limit was hit.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  asRunUser,
  missingLayers,
  planFor,
  probeIn,
  runSandboxed,
  runShell,
  stageSandbox,
  startup,
  cgroupLimits,
  cgroupLimitsHere,
  type PlanOptions,
  FORK_BOMB,
  SPIN_THEN_REPORT,
} from './harness.ts';

const stage = stageSandbox();
after(() => stage.cleanup());
const skip = missingLayers(stage);
// Without a cgroup (an unprivileged user here) there is no CPU rate, only a budget, and the other
// way round: each test says which it covers.
const layer = skip ? 'none' : cgroupLimitsHere();
const noCgroup = layer === 'none' ? 'no cgroup for this user: the budget test covers it' : false;
const withCgroup =
  layer === 'none' ? false : `a ${layer} cgroup holds the rate: the rate test covers it`;

const python = '/usr/bin/python3';
function pythonIn(code: string, limits: PlanOptions['limits']) {
  return runSandboxed(stage, planFor({ exec: startup(python), limits }), python, ['-c', code]);
}

describe('resource limits', { skip }, () => {
  it('stops a fork bomb at the pids limit, counting only the sandbox', async () => {
    // 20 processes of the same user outside: were the count per user, not per sandbox, the
    // bomb could not fork once.
    const outside = Array.from({ length: 20 }, () => spawn(...asRunUser('/usr/bin/sleep', ['20'])));
    const r = await pythonIn(FORK_BOMB, { pids: 16 }).finally(() =>
      outside.forEach((p) => p.kill()),
    );
    // 16 processes for the command: python and 15 children.
    assert.equal(r.stdout, '15 EAGAIN\n', r.stderr);
    assert.equal(r.code, 0);
    assert.ok(r.ms < 5_000, `took ${r.ms} ms`); // the sleeping children died with the sandbox
    assert.equal(spawnSync('/bin/true').status, 0, 'the host can still start processes');
  });

  it('stops a memory bomb at the memory limit', async () => {
    const limits = { memoryBytes: 256 * 1024 * 1024 };
    const bomb = await pythonIn('b = bytearray(2 * 1024**3)', limits);
    assert.equal(bomb.code, 1);
    assert.match(bomb.stderr, /MemoryError/);
    const fits = await pythonIn('b = bytearray(64 * 1024**2); print(len(b))', limits);
    assert.equal(fits.stdout, '67108864\n', fits.stderr);
  });

  it('bounds all the memory a sandbox can pin, summed over its processes', async () => {
    // Four processes each try to pin 40 MiB against a limit of 96 MiB: shared anonymous memory,
    // a memfd, System V and POSIX shared memory, files in its tmpfs, a written shared mapping of
    // /dev/zero. Outside the sandbox each of them pins all 160 MiB.
    const tmp = { tmpfs: ['/tmp'] };
    for (const kind of ['anon_shared', 'memfd', 'sysv', 'posix', 'tmpfs', 'devzero']) {
      const args = [join(stage.fixtures, 'pin.py'), kind, '40', '4', '/tmp'];
      const r = await runSandboxed(
        stage,
        planFor({
          exec: startup(python),
          ro: [stage.fixtures],
          ...tmp,
          limits: { memoryBytes: 96 << 20 },
        }),
        python,
        args,
      );
      const answers = r.stdout.trim().split(' ').filter(Boolean);
      const pinned = answers.filter((a) => a === 'pinned').length;
      const why = `${kind}: ${r.stdout} ${r.stderr} ${r.status.join(', ')}`;
      assert.ok(pinned * 40 <= 96 && pinned < 4, why);
      const layer = cgroupLimits(r.status[0] ?? '');
      if (kind === 'devzero') {
        assert.deepEqual(answers, Array(4).fill('EACCES'), why); // Landlock: read-only
      } else if (layer === 'none' && ['anon_shared', 'memfd', 'sysv'].includes(kind)) {
        assert.deepEqual(answers, Array(4).fill('EPERM'), why); // seccomp: nothing counts them
      } else if (layer === 'none') {
        // The tmpfs is full: a write fails, or touching a page of a mapping raises SIGBUS.
        assert.ok(answers.includes('ENOSPC') || answers.includes('SIGBUS'), why);
      } else {
        // The memory cgroup counts it: its OOM killer ends what goes past, and says so (the
        // python that waits for them may be the one it picks).
        assert.ok(answers.includes('SIGKILL') || answers.length < 4, why);
        assert.ok(r.status.includes('limit memory'), why);
      }
    }
    const outside = spawnSync(python, [join(stage.fixtures, 'pin.py'), 'memfd', '40', '4'], {
      encoding: 'utf8',
    });
    assert.equal(outside.stdout, 'pinned pinned pinned pinned\n', outside.stderr);
  });

  it('kills a CPU spin at the wall-clock timeout, with everything in the sandbox', async () => {
    const r = await runShell(stage, 'while :; do :; done', {
      limits: { timeoutMs: 1_000, cpuPercent: 400 },
    });
    assert.equal(r.code, 137);
    assert.deepEqual(r.status.slice(1), ['limit timeout 1000', 'exit signal 9']);
    assert.ok(r.ms < 3_000, `took ${r.ms} ms`);
  });

  it(
    'holds a CPU spin to its rate where a cgroup is available, and says so',
    { skip: noCgroup },
    async () => {
      // Spins for 1.5 s of wall clock at a rate of 20 %, then says how much CPU it got.
      const r = await pythonIn(SPIN_THEN_REPORT, { cpuPercent: 20, timeoutMs: 10_000 });
      assert.equal(r.code, 0, r.stderr);
      const cpu = Number(r.stdout);
      // cpu.cfs_quota_us: 20 ms of every 100 ms, about 0.3 s of the 1.5 s; the cgroup counted
      // the periods it held the spin back, which the helper reports.
      assert.ok(cpu < 0.6, `${cpu} s of CPU at 20 %`);
      assert.ok(r.status.includes('limit cpu throttled'), r.status.join('\n'));
    },
  );

  it(
    'stops a CPU spin at its budget (SIGXCPU) where no cgroup sets a rate',
    { skip: withCgroup },
    async () => {
      // 10 % of 20 s is two seconds of CPU, + 1 s so that a process at its rate never ties with
      // the wall clock: on an idle machine SIGXCPU comes after about 3 s, long before the timeout.
      const r = await runShell(stage, 'while :; do :; done', {
        limits: { timeoutMs: 20_000, cpuPercent: 10 },
      });
      assert.equal(r.code, 128 + 24);
      assert.deepEqual(r.status.slice(1), ['limit cpu', 'exit signal 24']);
    },
  );

  it('stops a file at the fsize limit (SIGXFSZ)', async () => {
    const out = stage.dir('fsize', { writable: true });
    const dd = (mib: number) =>
      runShell(stage, `exec dd if=/dev/zero of=${join(out, `f${mib}`)} bs=1M count=${mib}`, {
        rw: [out],
        limits: { fileSizeBytes: 2 * 1024 * 1024 },
      });
    const big = await dd(4);
    assert.equal(big.code, 128 + 25);
    assert.deepEqual(big.status.slice(1), ['limit fsize', 'exit signal 25']);
    assert.equal(statSync(join(out, 'f4')).size, 2 * 1024 * 1024);
    const small = await dd(1);
    assert.equal(small.code, 0, small.stderr);
  });

  it('stops descriptor exhaustion at the nofile limit', async () => {
    const plan = (openFiles: number) =>
      planFor({ exec: [stage.probe], ro: [stage.probe], limits: { openFiles } });
    const few = await probeIn(stage, ['fill_fds'], plan(32));
    assert.equal(few.answers.fill_fds, '29 EMFILE'); // 3 to 31: stdio is open
    const more = await probeIn(stage, ['fill_fds'], plan(64));
    assert.equal(more.answers.fill_fds, '61 EMFILE');
  });
});
