// The helper's --check across runs: a full verdict is remembered (so `corral exec` does not spawn
// --check on every start), anything less is asked again, a rebuilt helper or `forget` asks again,
// and a file that claims less than full, or someone else's file, is never believed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  detectCapabilities,
  forgetCapabilities,
} from '../../../app/sandbox/detect-capabilities.ts';

const ok = { ok: true };
const layers = (user: boolean) => ({
  user: user ? ok : { ok: false, reason: 'Operation not permitted' },
  mount: ok,
  pid: ok,
  net: ok,
  ipc: ok,
  uts: ok,
  cgroup: ok,
  landlock: { ok: true, abi: 7 },
  seccomp: ok,
  seccompNotify: ok,
  noNewPrivs: ok,
});

/** A stand-in helper printing a full (or, with `user: false`, reduced) report; counts its runs. */
function fakeHelper(user: boolean): { helper: string; runs: () => number; remembered: string } {
  const dir = mkdtempSync(join(tmpdir(), 'corral-detect-'));
  const helper = join(dir, 'corral-sandbox');
  const report = JSON.stringify({
    version: 1,
    arch: 'x86_64',
    kernel: '6.18',
    layers: layers(user),
  });
  writeFileSync(helper, `#!/bin/sh\necho run >> ${dir}/runs\necho '${report}'\n`);
  chmodSync(helper, 0o755);
  const runs = () => {
    try {
      return readFileSync(join(dir, 'runs'), 'utf8').split('\n').length - 1;
    } catch {
      return 0;
    }
  };
  return { helper, runs, remembered: join(dir, 'capabilities.json') };
}

/** A new process's view: the in-process cache emptied, the file on disk kept. */
function nextProcess(helper: string): void {
  forgetCapabilities(helper, null);
}

test('a full verdict is remembered across processes: --check runs once', () => {
  const f = fakeHelper(true);
  assert.equal(detectCapabilities(f.helper, f).verdict.mode, 'full');
  nextProcess(f.helper);
  assert.equal(detectCapabilities(f.helper, f).verdict.mode, 'full');
  assert.equal(f.runs(), 1, 'the second start used the remembered verdict');
});

test('a reduced verdict is asked again at every start (a layer may have been enabled)', () => {
  const f = fakeHelper(false);
  assert.equal(detectCapabilities(f.helper, f).verdict.mode, 'reduced');
  nextProcess(f.helper);
  detectCapabilities(f.helper, f);
  assert.equal(f.runs(), 2);
});

test('a rebuilt helper, `fresh` (corral doctor) and forget each ask the helper again', () => {
  const f = fakeHelper(true);
  detectCapabilities(f.helper, f);
  nextProcess(f.helper);
  utimesSync(f.helper, new Date(), new Date(Date.now() + 5000)); // a rebuilt helper
  detectCapabilities(f.helper, f);
  assert.equal(f.runs(), 2, 'another helper file');
  detectCapabilities(f.helper, { ...f, fresh: true });
  assert.equal(f.runs(), 3, 'fresh');
  forgetCapabilities(f.helper, f.remembered); // after a set-up failure
  detectCapabilities(f.helper, f);
  assert.equal(f.runs(), 4, 'forgotten');
});

test('a remembered file that says less than full, or is not JSON, is asked again', () => {
  const f = fakeHelper(true);
  detectCapabilities(f.helper, f);
  const kept = JSON.parse(readFileSync(f.remembered, 'utf8')) as { key: string };
  writeFileSync(
    f.remembered,
    JSON.stringify({
      key: kept.key,
      report: { version: 1, arch: 'x', kernel: 'y', layers: layers(false) },
    }),
  );
  nextProcess(f.helper);
  assert.equal(detectCapabilities(f.helper, f).verdict.mode, 'full', 'the helper was asked');
  assert.equal(f.runs(), 2);
  writeFileSync(f.remembered, 'not json');
  nextProcess(f.helper);
  detectCapabilities(f.helper, f);
  assert.equal(f.runs(), 3);
});

test('the memory layer and the cgroup kind are still reported (looked up when read)', () => {
  const f = fakeHelper(true);
  const detected = detectCapabilities(f.helper, { ...f, fresh: true });
  assert.equal(detected.verdict.mode, 'full');
  assert.match(detected.verdict.memoryLayer, /^(cgroup v1|cgroup v2|no cgroup)/);
  assert.ok(['v1', 'v2', 'none'].includes(detected.cgroupLimits));
});
