// The sandbox's cgroup, on fake cgroup trees: cgroup v2 beside the caller's group when its
// parent delegates memory, pids and cpu (the systemd user delegation this machine cannot offer:
// its v2 has no memory controller), cgroup v1 beneath the caller's own groups otherwise, none
// when neither can be made; the limits written, the events read, stale groups swept. The real
// kernel's v1 is exercised by the sandbox suites as root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cgroupSupport,
  createSandboxCgroup,
  type CgroupSystem,
} from '../../../app/sandbox/cgroup.ts';
import { resolveLimits } from '../../../app/policy/limits.ts';

const limits = resolveLimits({ memoryMB: 64, cpuPercent: 20, pids: 16 });

function tree(files: Record<string, string>, self: string): CgroupSystem {
  const root = mkdtempSync(join(tmpdir(), 'corral-cgroupfs-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    if (!path.endsWith('/')) writeFileSync(join(root, path), text);
    else mkdirSync(join(root, path), { recursive: true });
  }
  return { root, selfCgroup: () => self };
}

const read = (path: string) => readFileSync(path, 'utf8');

test('v2: beside the caller, under a parent that delegates memory, pids and cpu; no swap', () => {
  const fs = tree(
    {
      'cgroup.controllers': 'cpuset cpu io memory pids',
      'user.slice/cgroup.subtree_control': 'cpuset cpu io memory pids',
      'user.slice/app.scope/': '',
    },
    '0::/user.slice/app.scope\n',
  );
  const cg = createSandboxCgroup(limits, 17, fs)!;
  assert.equal(cg.version, 'v2');
  assert.equal(cg.groups.length, 1);
  const group = cg.groups[0]!;
  assert.match(group, new RegExp(`/user\\.slice/corral-sandbox-${process.pid}-\\d+$`));
  assert.equal(read(join(group, 'memory.max')), String(64 << 20));
  assert.equal(read(join(group, 'pids.max')), '17');
  assert.equal(read(join(group, 'cpu.max')), '20000 100000');
  assert.equal(cg.joinFds.length, 1); // cgroup.procs
  assert.deepEqual(cg.events(), []);
  writeFileSync(join(group, 'memory.events'), 'low 0\nhigh 0\nmax 9\noom 1\noom_kill 1\n');
  writeFileSync(join(group, 'pids.events'), 'max 3\n');
  writeFileSync(join(group, 'cpu.stat'), 'usage_usec 5\nnr_periods 9\nnr_throttled 4\n');
  assert.deepEqual(cg.events(), ['memory', 'pids', 'cpu']);
  cg.closeJoinFds();
  rmSync(fs.root, { recursive: true });
});

test("v1 where the parent does not delegate: a group per controller beneath the caller's own", () => {
  const fs = tree(
    {
      'unified/cgroup.subtree_control': 'hugetlb', // as on this machine: nothing for us in v2
      'unified/a.scope/': '',
      'pids/': '',
      'cpu/': '',
      'memory/app/memory.memsw.limit_in_bytes': '', // swap is accounted here
    },
    '9:pids:/\n1:cpu,cpuacct:/\n4:memory:/app\n0::/a.scope\n',
  );
  const cg = createSandboxCgroup(limits, 17, fs)!;
  assert.equal(cg.version, 'v1');
  const [pids, cpu, memory] = cg.groups as [string, string, string];
  assert.equal(read(join(pids, 'pids.max')), '17');
  assert.equal(read(join(cpu, 'cpu.cfs_quota_us')), '20000');
  assert.match(memory, new RegExp(`/memory/app/corral-sandbox-${process.pid}-\\d+$`));
  assert.equal(read(join(memory, 'memory.limit_in_bytes')), String(64 << 20));
  assert.equal(cg.joinFds.length, 3); // a `tasks` file each
  writeFileSync(
    join(memory, 'memory.oom_control'),
    'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
  );
  assert.deepEqual(cg.events(), ['memory'], 'oom_kill, not oom_kill_disable');
  cg.closeJoinFds();
  rmSync(fs.root, { recursive: true });
});

test('none where the caller can make no group; a v2 caller at the root gets none from v2', () => {
  const none = tree({ 'unified/': '' }, '0::/\n');
  assert.equal(createSandboxCgroup(limits, 17, none), null);
  assert.equal(cgroupSupport(none), 'none');
  rmSync(none.root, { recursive: true });
});

test("empty groups of a host that is gone are swept; a live host's are kept", () => {
  const dead = spawnSync('/bin/true').pid!;
  const fs = tree(
    {
      [`pids/corral-sandbox-${dead}-3/`]: '',
      [`pids/corral-sandbox-${process.pid}-99/`]: '',
      'cpu/': '',
      'memory/': '',
    },
    '9:pids:/\n1:cpu:/\n4:memory:/\n',
  );
  const cg = createSandboxCgroup(limits, 17, fs)!;
  assert.equal(existsSync(join(fs.root, `pids/corral-sandbox-${dead}-3`)), false);
  assert.ok(existsSync(join(fs.root, `pids/corral-sandbox-${process.pid}-99`)));
  cg.closeJoinFds();
  rmSync(fs.root, { recursive: true });
});
