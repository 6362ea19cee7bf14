// From grants and a command to the plan the helper enforces: binds, exec rights, cwd, env.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlan, PlanError, SANDBOX_TMP } from '../../../app/sandbox/build-plan.ts';
import { resolveCommand } from '../../../app/sandbox/command.ts';
import { resolveLimits } from '../../../app/policy/limits.ts';
import type { SandboxGrants } from '../../../app/policy/compile.ts';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'corral-plan-')));
const ws = join(dir, 'ws');
const out = join(ws, 'out');
const tmp = join(dir, 'tmp');
mkdirSync(out, { recursive: true });
mkdirSync(tmp);

function grants(patch: Partial<SandboxGrants> = {}): SandboxGrants {
  return { mounts: [], spawn: false, limits: resolveLimits({}), ...patch };
}

function plan(patch: Partial<SandboxGrants> = {}, cwd = '/') {
  return buildPlan({
    grants: grants(patch),
    command: resolveCommand('true', '/'),
    cwd,
    home: '/nonexistent',
    tmp,
  });
}

test('binds the system read-only, recreates merged-/usr links and never exposes /etc/shadow', () => {
  const p = plan();
  assert.ok(p.mounts.some((m) => m.path === '/usr' && m.access === 'ro'));
  assert.ok(!p.mounts.some((m) => m.path === '/etc' || m.path === '/etc/shadow' || m.path === '/'));
  assert.ok(p.mounts.every((m) => m.access === 'ro'));
  // ${tmp} is a folder of the sandbox's tmpfs, not the host's disk (capped at the memory limit).
  assert.deepEqual(p.tmpfs, [SANDBOX_TMP, tmp]);
});

test("the run's scratch lives in the sandbox's memory in full mode, on the host in reduced mode", () => {
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const request = (mode: 'full' | 'reduced') => ({
    mode,
    grants: grants({ spawn: true, mounts: [{ path: join(tmp, 'inside'), access: 'rw' as const }] }),
    command: resolveCommand('true', '/'),
    cwd: '/',
    home: '/nonexistent',
    tmp,
    scratch: [data],
  });
  const full = buildPlan(request('full'));
  assert.deepEqual(full.tmpfs, [SANDBOX_TMP, tmp, data]);
  assert.ok(!full.mounts.some((m) => m.path.startsWith(tmp) || m.path === data), 'no bind of it');
  assert.equal(full.env.TMPDIR, tmp);
  assert.equal(full.env.HOME, tmp);
  const reduced = buildPlan(request('reduced'));
  assert.deepEqual(reduced.tmpfs, []);
  for (const path of [tmp, data])
    assert.ok(
      reduced.mounts.some((m) => m.path === path && m.access === 'rw'),
      path,
    );
});

test('a grant of the root, /proc or /dev is refused with one line naming the fix', () => {
  for (const path of ['/', '/proc', '/dev/shm']) {
    assert.throws(
      () => plan({ mounts: [{ path, access: 'ro' }] }),
      (e: unknown) =>
        e instanceof PlanError &&
        e.message.startsWith(`a grant of ${path} cannot be made: `) &&
        e.message.endsWith(
          'fix: grant a folder below it in permissions.fs, or give --workspace a project folder',
        ),
    );
  }
});

test('without spawn only the command and its loader may execute', () => {
  const p = plan();
  assert.equal(p.execPaths.length, 2);
  assert.equal(p.execPaths[0], realpathSync('/usr/bin/true'));
});

test('with spawn the read-only system folders may execute, never a writable grant', () => {
  const p = plan({ spawn: true, mounts: [{ path: ws, access: 'rw' }] });
  assert.ok(p.execPaths.includes('/usr'));
  assert.ok(!p.execPaths.some((e) => e.startsWith(ws) || e.startsWith(tmp)));
});

test('with spawn a read-only folder holding a writable one is not executable at all', () => {
  const p = plan({
    spawn: true,
    mounts: [
      { path: ws, access: 'ro' },
      { path: out, access: 'rw' },
    ],
  });
  assert.ok(!p.execPaths.some((e) => e.startsWith(ws)), p.execPaths.join(' '));
  const q = plan({ spawn: true, mounts: [{ path: ws, access: 'ro' }] });
  assert.ok(q.execPaths.includes(ws));
});

test("keeps the caller's folder when a grant covers it, else starts in the private tmp", () => {
  assert.equal(plan({ mounts: [{ path: ws, access: 'ro' }] }, out).cwd, out);
  assert.equal(plan({}, dir).cwd, tmp);
  assert.equal(plan().env.HOME, tmp);
  assert.equal(plan().env.TMPDIR, tmp);
});

test('a narrower grant of no greater access is folded into a wider one; a write beneath a read stays', () => {
  const p = plan({
    mounts: [
      { path: ws, access: 'ro' },
      { path: out, access: 'rw' },
    ],
  });
  assert.deepEqual(
    p.mounts.filter((m) => m.path.startsWith(ws)),
    [
      { path: ws, access: 'ro' },
      { path: out, access: 'rw' },
    ],
  );
  const q = plan({
    mounts: [
      { path: ws, access: 'rw' },
      { path: out, access: 'ro' },
    ],
  });
  assert.deepEqual(
    q.mounts.filter((m) => m.path.startsWith(ws)),
    [{ path: ws, access: 'rw' }],
  );
});

test("the environment is clean: nothing of the caller's leaks in", () => {
  process.env.CORRAL_TEST_SECRET = 'hunter2';
  const env = plan().env;
  assert.ok(!Object.values(env).includes('hunter2'));
  assert.deepEqual(Object.keys(env).sort(), ['CORRAL_SANDBOX', 'HOME', 'LANG', 'PATH', 'TMPDIR']);
});

test('reduced mode: Landlock rules on host paths, no private /tmp or links, no TCP port at all', () => {
  const p = buildPlan({
    mode: 'reduced',
    grants: grants({ mounts: [{ path: ws, access: 'ro' }] }),
    command: resolveCommand('true', '/'),
    cwd: out,
    home: '/nonexistent',
    tmp,
  });
  assert.equal(p.mode, 'reduced');
  assert.deepEqual([p.tmpfs, p.symlinks], [[], []]);
  assert.ok(p.mounts.some((m) => m.path === '/usr' && m.access === 'ro'));
  assert.ok(p.mounts.some((m) => m.path === tmp && m.access === 'rw'));
  // The working folder and HOME are host paths that a grant covers.
  assert.equal(p.cwd, out);
  assert.equal(p.env.HOME, tmp);
  assert.equal(p.env.TMPDIR, tmp);
});

test('the proxy listener: carried in full mode, refused in reduced mode with one line', () => {
  const listener = { port: 3128 };
  const request = (mode: 'full' | 'reduced') => ({
    mode,
    grants: grants(),
    command: resolveCommand('true', '/'),
    cwd: '/',
    home: '/nonexistent',
    tmp,
    proxyListener: listener,
  });
  assert.deepEqual(buildPlan(request('full')).proxyListener, listener);
  assert.throws(() => buildPlan(request('reduced')), PlanError);
  assert.throws(
    () => buildPlan(request('reduced')),
    /^Error: the proxy needs a network namespace of the sandbox/,
  );
});
