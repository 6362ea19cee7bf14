// The verdict `corral doctor` prints for the machines it may meet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assessCapabilities,
  checkReportSchema,
  type CheckReport,
} from '../../../app/sandbox/capabilities.ts';

const ok = { ok: true };
const all: CheckReport = {
  version: 1,
  arch: 'x86_64',
  kernel: '6.18.0',
  layers: {
    user: ok,
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
  },
};

test('every layer present: full mode, Landlock ABI shown', () => {
  const v = assessCapabilities(all);
  assert.equal(v.mode, 'full');
  assert.match(v.layers.find((l) => l.layer === 'landlock')!.detail, /ABI 7/);
});

test("a missing layer refuses, names it and keeps the helper's hint", () => {
  const reason = 'Operation not permitted; hint: enable unprivileged user namespaces';
  const v = assessCapabilities({ ...all, layers: { ...all.layers, user: { ok: false, reason } } });
  assert.equal(v.mode, 'refused');
  assert.match(v.summary, /user is missing/);
  assert.equal(v.layers.find((l) => l.layer === 'user')!.detail, reason);
});

test("a report that is not the helper's format is refused by the schema", () => {
  assert.equal(checkReportSchema.safeParse({ version: 2 }).success, false);
  assert.equal(checkReportSchema.safeParse(all).success, true);
});
