// Process isolation: the pid namespace, the seccomp filter (through the tiny probe), Landlock's
// signal scope, descriptors and environment, and the rule that nothing outlives the sandbox.
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import {
  missingLayers,
  planFor,
  probeIn,
  probeOutside,
  runAs,
  runSandboxed,
  runShell,
  spawnSandboxed,
  stageSandbox,
  startup,
  sandboxCgroups,
  KERNEL_SURFACE,
} from './harness.ts';

const stage = stageSandbox();
after(() => stage.cleanup());
const skip = missingLayers(stage);

/** What the probe answers inside for each call the filter refuses, and the syscall it names in
 * its `deny syscall NAME` line (clone3 is answered ENOSYS directly, so glibc falls back to clone). */
const refused: Record<string, [string, string | null]> = {
  ptrace: ['EPERM', 'ptrace'],
  process_vm_readv: ['EPERM', 'process_vm_readv'],
  io_uring_setup: ['EPERM', 'io_uring_setup'],
  unshare: ['EPERM', 'unshare'],
  setns: ['EPERM', 'setns'],
  clone_newuser: ['EPERM', 'clone'],
  clone3: ['ENOSYS', null],
  mount: ['EPERM', 'mount'],
  tiocsti: ['EPERM', 'ioctl'],
  tiocsti_high_bits: ['EPERM', 'ioctl'],
  tioclinux: ['EPERM', 'ioctl'],
  netlink: ['EAFNOSUPPORT', 'socket'],
  // The kernel would say EOPNOTSUPP (see below): socketpair() is filtered like socket().
  socketpair_inet: ['EAFNOSUPPORT', 'socketpair'],
  personality: ['EPERM', 'personality'],
  bpf: ['EPERM', 'bpf'],
  perf_event_open: ['EPERM', 'perf_event_open'],
  userfaultfd: ['EPERM', 'userfaultfd'],
  keyctl: ['EPERM', 'keyctl'],
  x32: ['EPERM', 'x32'],
  ...Object.fromEntries(
    Object.entries(KERNEL_SURFACE).map(([op, name]) => [op, ['EPERM', name] as [string, string]]),
  ),
};
/** Calls that succeed on the host for root and nobody alike: the probe itself works. */
const workOnHost = [
  'ptrace',
  'process_vm_readv',
  'io_uring_setup',
  'clone3',
  'netlink',
  'personality',
  ...Object.keys(KERNEL_SURFACE),
];

/** Host processes whose command line holds `marker`. */
function survivors(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(marker)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ')}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('process isolation', { skip }, () => {
  it('shows only the sandbox in /proc: not the test runner, not the host root', async () => {
    const r = await runShell(
      stage,
      `ls /proc | grep -c '^[0-9]'; test -e /proc/${process.pid} && echo visible; ls /proc/1/root/etc; cat /proc/1/root/etc/shadow`,
    );
    assert.ok(Number(r.stdout.split('\n')[0]) <= 4, r.stdout); // init, sh, ls, grep
    assert.doesNotMatch(r.stdout, /visible|passwd|shadow/);
    assert.match(r.stderr, /Permission denied|No such file/);
  });

  it('runs the command as the caller, without capabilities, on host "corral"', async () => {
    const r = await runShell(
      stage,
      'id -u; hostname; grep -E "^(Cap|NoNewPrivs|Seccomp:)" /proc/self/status',
    );
    const uid = runAs === 'nobody' ? 65534 : process.getuid?.();
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], String(uid));
    assert.equal(lines[1], 'corral');
    for (const cap of lines.filter((l) => l.startsWith('Cap'))) assert.match(cap, /:\t0+$/);
    assert.ok(lines.includes('NoNewPrivs:\t1') && lines.includes('Seccomp:\t2'), r.stdout);
  });

  it('refuses the filtered system calls, each reported as `deny syscall NAME`', async () => {
    const ops = Object.keys(refused);
    const { answers, result } = await probeIn(stage, ops);
    const expected = Object.fromEntries(ops.map((op) => [op, refused[op]?.[0]]));
    assert.deepEqual(answers, expected, result.stderr);
    assert.deepEqual(
      result.status.filter((line) => line.startsWith('deny ')),
      ops.flatMap((op) => (refused[op]?.[1] ? [`deny syscall ${refused[op][1]}`] : [])),
    );
    assert.equal(result.status.at(-1), 'exit code 0');
    const outside = probeOutside(stage, workOnHost);
    assert.deepEqual(outside, Object.fromEntries(workOnHost.map((op) => [op, 'ok'])));
    assert.deepEqual(probeOutside(stage, ['socketpair_inet']), { socketpair_inet: 'EOPNOTSUPP' });
  });

  it('lets the ordinary variants through: sockets, a socket pair, a personality query', async () => {
    const ops = ['inet', 'udp', 'unix', 'socketpair', 'personality_query', 'ptrace'];
    const { answers, result } = await probeIn(stage, ops);
    assert.deepEqual(answers, {
      inet: 'ok',
      udp: 'ok', // in mode full only: the network namespace holds nothing but loopback
      unix: 'ok',
      socketpair: 'ok',
      personality_query: 'ok',
      ptrace: 'EPERM',
    });
    assert.deepEqual(result.status.slice(1), ['deny syscall ptrace', 'exit code 0']);
  });

  it('reports at most 1,000 denials, then how many more it did not report', async () => {
    const { answers, result } = await probeIn(stage, Array(1_200).fill('keyctl'));
    assert.equal(answers.keyctl, 'EPERM');
    const reported = result.status.filter((line) => line === 'deny syscall keyctl').length;
    const lost = Number(/^lost (\d+)$/.exec(result.status.at(-2) ?? '')?.[1]);
    // A reader that falls behind loses lines too (the supervisor never waits for it): all counted.
    assert.ok(reported > 0 && reported <= 1_000, `${reported} lines`);
    assert.equal(reported + lost, 1_200);
    assert.equal(result.status.at(-1), 'exit code 0');
  });

  it('keeps the command from signalling the sandbox init (Landlock signal scope)', async () => {
    const { answers } = await probeIn(stage, ['kill_init']);
    assert.equal(answers.kill_init, 'EPERM');
  });

  it('closes inherited descriptors unless the policy keeps them', async () => {
    const secretFile = stage.file('fd-secret.txt', 'fd secret');
    const fd = openSync(secretFile, 'r');
    try {
      const plan = (keepFds: number[]) =>
        planFor({ exec: [stage.probe], ro: [stage.probe], keepFds });
      const leaked = await runSandboxed(stage, plan([]), stage.probe, ['fd:5'], { extraFds: [fd] });
      assert.equal(leaked.stdout, 'fd:5 EBADF\n');
      const kept = await runSandboxed(stage, plan([5]), stage.probe, ['fd:5'], { extraFds: [fd] });
      assert.equal(kept.stdout, 'fd:5 ok fd secret\n');
    } finally {
      closeSync(fd);
    }
  });

  it("passes exactly the policy's environment, none of the caller's", async () => {
    const env = { SECRET_TOKEN: 'hunter2' };
    const plan = planFor({
      exec: startup('/usr/bin/env'),
      env: { PATH: '/usr/bin', EXTENSION: 'acme' },
    });
    const r = await runSandboxed(stage, plan, '/usr/bin/env', [], { env });
    assert.equal(r.stdout, 'PATH=/usr/bin\nEXTENSION=acme\n');
  });

  it('kills a background child left behind when the command exits', async () => {
    const out = stage.dir('background', { writable: true });
    const late = (name: string) => `(sleep 0.3; echo late > ${out}/${name}) &`;
    const left = await runShell(stage, `${late('left')} echo started`, { rw: [out] });
    assert.equal(left.stdout, 'started\n');
    const waited = await runShell(stage, `${late('waited')} wait`, { rw: [out] });
    assert.equal(waited.code, 0);
    await sleep(500);
    assert.equal(existsSync(join(out, 'waited')), true, 'the control child wrote its file');
    assert.equal(existsSync(join(out, 'left')), false, 'the child left behind must be gone');
  });

  it('forwards SIGTERM to the command', async () => {
    const { child, result } = spawnSandboxed(
      stage,
      planFor({ exec: ['/usr/bin', '/usr/lib'] }),
      '/bin/sh',
      ['-c', 'echo ready; exec sleep 30'],
    );
    child.stdout?.once('data', () => child.kill('SIGTERM'));
    const r = await result;
    assert.equal(r.code, 143);
    assert.equal(r.status.at(-1), 'exit signal 15');
  });

  it('leaves nothing alive when the host SIGKILLs the helper', async () => {
    const marker = `${Math.floor(Math.random() * 1e6)}`;
    const { child, result } = spawnSandboxed(
      stage,
      planFor({ exec: ['/usr/bin', '/usr/lib'] }),
      '/bin/sh',
      ['-c', `sleep 29.${marker} & sleep 28.${marker} & echo started; wait`],
    );
    await new Promise((resolve) => child.stdout?.once('data', resolve));
    const sleepers = () => survivors(marker).filter((p) => /^\d+: sleep /.test(p)).length;
    for (let i = 0; i < 40 && sleepers() < 2; i++) await sleep(50); // both have exec'd sleep
    assert.equal(sleepers(), 2, 'the sandbox runs before the kill');
    const root = runAs === 'self' && process.getuid?.() === 0;
    if (root) assert.notDeepEqual(sandboxCgroups(), [], 'its cgroups exist meanwhile');
    child.kill('SIGKILL');
    await result;
    for (let i = 0; i < 40 && survivors(marker).length > 0; i++) await sleep(50);
    assert.deepEqual(survivors(marker), []);
    // The caller removes the cgroups once the sandbox is gone, even after a SIGKILLed helper.
    if (root) assert.deepEqual(sandboxCgroups(), []);
  });
});
