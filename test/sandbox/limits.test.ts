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
  type PlanOptions,
  FORK_BOMB,
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

  it('stops a CPU spin at the cpu limit (SIGXCPU)', async () => {
    // 10 % of 10 s is one second of CPU.
    const r = await runShell(stage, 'while :; do :; done', {
      limits: { timeoutMs: 10_000, cpuPercent: 10 },
    });
    assert.equal(r.code, 128 + 24);
    assert.deepEqual(r.status.slice(1), ['limit cpu', 'exit signal 24']);
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
