// The policy text handed to the helper: order and content matter to the helper's strict parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPolicy, WIRE_MAGIC } from '../../../app/sandbox/wire.ts';
import { sandboxPlanSchema, type SandboxPlan } from '../../../app/sandbox/plan.ts';

const base: SandboxPlan = {
  mode: 'full',
  mounts: [
    { path: '/tmp/ws/out', access: 'rw' },
    { path: '/usr', access: 'ro' },
    { path: '/tmp/ws', access: 'ro' },
  ],
  symlinks: [{ path: '/bin', target: 'usr/bin' }],
  execPaths: ['/usr/bin/true'],
  spawn: false,
  tmpfs: ['/tmp'],
  cwd: '/tmp',
  env: { PATH: '/usr/bin', A: 'x y' },
  keepFds: [3],
  limits: {
    memoryBytes: 1024,
    cpuPercent: 50,
    pids: 8,
    openFiles: 64,
    fileSizeBytes: 2048,
    timeoutMs: 1000,
  },
};

test('starts with the magic line and ends with "end"', () => {
  const lines = renderPolicy(base).trimEnd().split('\n');
  assert.equal(lines[0], WIRE_MAGIC);
  assert.equal(lines.at(-1), 'end');
});

test('orders mounts parents first, with a tmpfs before the binds beneath it', () => {
  const mountLines = renderPolicy(base)
    .split('\n')
    .filter((l) => /^(ro|rw|tmpfs) /.test(l));
  assert.deepEqual(mountLines, ['tmpfs /tmp', 'ro /usr', 'ro /tmp/ws', 'rw /tmp/ws/out']);
});

test('carries env values with spaces, kept fds and every limit', () => {
  const text = renderPolicy(base);
  for (const line of [
    'env A=x y',
    'keep-fd 3',
    'limit memory 1024',
    'limit cpu 50',
    'limit pids 8',
    'limit nofile 64',
    'limit fsize 2048',
    'limit timeout-ms 1000',
    'symlink /bin usr/bin',
    'exec /usr/bin/true',
    'spawn no',
  ]) {
    assert.ok(text.split('\n').includes(line), `missing line: ${line}`);
  }
});

test('the plan schema refuses what the line format cannot carry', () => {
  const bad = (patch: Partial<SandboxPlan>) =>
    sandboxPlanSchema.safeParse({ ...base, ...patch }).success;
  assert.equal(bad({ cwd: 'relative' }), false);
  assert.equal(bad({ cwd: '/a/../b' }), false);
  assert.equal(bad({ cwd: '/a/' }), false);
  assert.equal(bad({ mounts: [{ path: '/a\nrw /', access: 'ro' }] }), false);
  assert.equal(bad({ env: { 'BAD-NAME': 'x' } }), false);
  assert.equal(bad({ env: { OK: 'line\nbreak' } }), false);
  assert.equal(bad({ symlinks: [{ path: '/a b', target: 'x' }] }), false);
  assert.equal(bad({ execPaths: [] }), false);
  assert.equal(bad({}), true);
});

test('says the mode first, and the proxy listener with the descriptor the launcher chose', () => {
  const withProxy = { ...base, proxyListener: { port: 3128 } };
  const lines = renderPolicy(withProxy, { proxyListener: 7 }).split('\n');
  assert.equal(lines[1], 'mode full');
  assert.ok(lines.includes('proxy-listen 3128 7'), lines.join('\n'));
  assert.ok(!renderPolicy(base).includes('proxy-listen'));
  assert.throws(() => renderPolicy(withProxy), /needs the descriptor it is sent on/);
});

test('says terminal pty only when the caller relays stdio through a pty of its own', () => {
  assert.ok(
    renderPolicy({ ...base, terminal: 'pty' })
      .split('\n')
      .includes('terminal pty'),
  );
  for (const plan of [base, { ...base, terminal: 'caller' as const }])
    assert.ok(!renderPolicy(plan).includes('terminal'), "the caller's terminal is the default");
});

test('reduced plans have no tmpfs, links or proxy listener', () => {
  const reduced = { ...base, mode: 'reduced' as const, tmpfs: [], symlinks: [] };
  const ok = (plan: unknown) => sandboxPlanSchema.safeParse(plan).success;
  assert.equal(ok(reduced), true);
  assert.equal(renderPolicy(reduced).split('\n')[1], 'mode reduced');
  assert.equal(ok({ ...reduced, tmpfs: ['/tmp'] }), false);
  assert.equal(ok({ ...reduced, symlinks: base.symlinks }), false);
  assert.equal(ok({ ...reduced, proxyListener: { port: 3128 } }), false);
  assert.equal(ok({ ...base, proxyListener: { port: 3128 } }), true);
  assert.equal(ok({ ...base, proxyListener: { port: 0 } }), false);
});
