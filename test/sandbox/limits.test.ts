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
  type PlanOptions,
  FORK_BOMB,
  SPIN_THEN_REPORT,
} from './harness.ts';

const stage = stageSandbox();
after(() => stage.cleanup());
const skip = missingLayers(stage);

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

  it('kills a CPU spin at the wall-clock timeout, with everything in the sandbox', async () => {
    const r = await runShell(stage, 'while :; do :; done', {
      limits: { timeoutMs: 1_000, cpuPercent: 400 },
    });
    assert.equal(r.code, 137);
    assert.deepEqual(r.status.slice(1), ['limit timeout 1000', 'exit signal 9']);
    assert.ok(r.ms < 3_000, `took ${r.ms} ms`);
  });

  it('holds a CPU spin to its rate where a cgroup is available, else to its budget', async () => {
    // Spins for 1.5 s of wall clock, then says how much CPU it got.
    const spin = (cpuPercent: number) =>
      pythonIn(SPIN_THEN_REPORT, { cpuPercent, timeoutMs: 10_000 }).then((r) => {
        assert.equal(r.code, 0, r.stderr);
        return { cpu: Number(r.stdout), layers: r.status[0] ?? '' };
      });
    const [slow, fast] = [await spin(20), await spin(100)];
    if (cgroupLimits(slow.layers) === 'none') {
      // No cgroup for this user: no rate, the whole core until the budget (below) runs out.
      assert.ok(slow.cpu > 1, `${slow.cpu} s of CPU`);
      return;
    }
    // cpu.cfs_quota_us: 20 ms of every 100 ms, about 0.3 s of the 1.5 s.
    assert.ok(slow.cpu < 0.6, `${slow.cpu} s of CPU at 20 %`);
    assert.ok(fast.cpu > 2 * slow.cpu, `${fast.cpu} s at 100 %, ${slow.cpu} s at 20 %`);
  });

  it('stops a CPU spin at its budget (SIGXCPU) where no cgroup sets a rate', async () => {
    // 50 % of 4 s is two seconds of CPU, + 1 s so that a process at its rate never ties with
    // the wall clock; with a cgroup the spin is throttled to 50 % and the timeout ends it.
    const r = await runShell(stage, 'while :; do :; done', {
      limits: { timeoutMs: 4_000, cpuPercent: 50 },
    });
    if (cgroupLimits(r.status[0] ?? '') === 'none') {
      assert.equal(r.code, 128 + 24);
      assert.deepEqual(r.status.slice(1), ['limit cpu', 'exit signal 24']);
      assert.ok(r.ms > 2_500 && r.ms < 4_000, `stopped after ${r.ms} ms`); // 3 s of CPU
    } else {
      assert.equal(r.code, 137);
      assert.deepEqual(r.status.slice(1), ['limit timeout 4000', 'exit signal 9']);
    }
  });

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
