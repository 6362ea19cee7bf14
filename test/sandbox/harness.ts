// Drives the real corral-sandbox for the sandbox suites (and `corral exec` tests): builds plans
// on top of the system view, stages what an unprivileged user must reach, runs the helper as
// CORRAL_TEST_AS says ('self' or 'nobody'), and collects exit, output and status lines.
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fdPassing } from '../../app/platform/fd-passing.ts';
import { cgroupSupport, createSandboxCgroup } from '../../app/sandbox/cgroup.ts';
import { resolveCommand } from '../../app/sandbox/command.ts';
import { sandboxPlanSchema, type SandboxLimits, type SandboxPlan } from '../../app/sandbox/plan.ts';
import { systemView } from '../../app/sandbox/system-paths.ts';
import { renderPolicy } from '../../app/sandbox/wire.ts';

const repo = new URL('../..', import.meta.url).pathname;
const NOBODY = 65534;

/** Who the helper runs as: the current user, or `nobody` when the suite runs as root again. */
export const runAs: 'self' | 'nobody' = process.env.CORRAL_TEST_AS === 'nobody' ? 'nobody' : 'self';

const builds = join(
  repo,
  'sandbox-helper/build',
  process.env.CORRAL_SANDBOX_ASAN === '1' ? 'asan' : '',
);
/** The built helper; its AddressSanitizer + UBSan build when CORRAL_SANDBOX_ASAN=1. */
export const builtHelper = join(builds, 'corral-sandbox');
/** The Landlock ABIs a test build of the helper can pretend this kernel has (the Makefile's). */
export type OlderLandlockAbi = 3 | 4;
const OLDER_ABIS: OlderLandlockAbi[] = [3, 4];
/** The test build that behaves as on a kernel whose Landlock ABI is at most `abi`. */
const olderHelper = (abi: OlderLandlockAbi) =>
  join(builds, `landlock-abi-${abi}`, 'corral-sandbox');
const builtProbe = join(repo, 'sandbox-helper/build/probe');
const fixtures = join(repo, 'test/fixtures/sandbox');

/** A fresh, world-readable folder holding the helper, the probe, the fixtures and workspaces. */
export interface Stage {
  root: string;
  helper: string;
  /** build/probe: `probe OP...` prints "OP ok" or "OP ERRNO" per attempt. */
  probe: string;
  fixtures: string;
  /** The staged test build of the helper that sees at most Landlock ABI `abi`. */
  olderHelper(abi: OlderLandlockAbi): string;
  /** A new folder in the stage; `writable` makes it the run-as user's own. */
  dir(name: string, opts?: { writable?: boolean }): string;
  /** A new file in the stage, readable by everyone (writable by the run-as user if asked). */
  file(path: string, content: string, opts?: { writable?: boolean }): string;
  cleanup(): void;
}

/**
 * Copies what the sandboxed user must reach into mkdtemp under /tmp (chmod 0755), so that
 * `nobody` can run it without loosening the checkout; real paths, as the policy requires.
 */
export function stageSandbox(): Stage {
  const root = realpathSync(mkdtempSync('/tmp/corral-sandbox-'));
  chmodSync(root, 0o755);
  const bin = join(root, 'bin');
  mkdirSync(bin, { mode: 0o755 });
  const helper = join(bin, 'corral-sandbox');
  const probe = join(bin, 'probe');
  const older = (abi: OlderLandlockAbi) => join(bin, `landlock-abi-${abi}`);
  for (const abi of OLDER_ABIS) mkdirSync(older(abi), { mode: 0o755 });
  for (const [from, to] of [
    [builtHelper, helper],
    [builtProbe, probe],
    ...OLDER_ABIS.map((abi) => [olderHelper(abi), join(older(abi), 'corral-sandbox')] as const),
  ] as const) {
    try {
      copyFileSync(from, to);
    } catch {
      rmSync(root, { recursive: true, force: true });
      const target = from.includes('/asan/') ? ' asan' : '';
      throw new Error(`${from} is missing; run "make -C sandbox-helper${target}" first`);
    }
    chmodSync(to, 0o755);
  }
  const staged = join(root, 'fixtures');
  cpSync(fixtures, staged, { recursive: true });
  const own = (path: string, writable: boolean | undefined) => {
    if (writable && runAs === 'nobody') chownSync(path, NOBODY, NOBODY);
  };
  return {
    root,
    helper,
    probe,
    fixtures: staged,
    olderHelper: (abi) => join(older(abi), 'corral-sandbox'),
    dir(name, opts) {
      const path = join(root, name);
      mkdirSync(path, { recursive: true, mode: 0o755 });
      own(path, opts?.writable);
      return path;
    },
    file(path, content, opts) {
      const full = join(root, path);
      writeFileSync(full, content, { mode: 0o644 });
      own(full, opts?.writable);
      return full;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * The bundled CLI in a fresh stage, as `corral exec` tests drive it: dist/corral.cjs (built by
 * `npm run build`) with the helper beside it (the test build that sees at most Landlock ABI
 * `landlockAbi`, if given), a workspace `ws` holding notes.md and a writable out/, and
 * outside/secret.txt, which no grant covers.
 */
export function stageCli(o: { landlockAbi?: OlderLandlockAbi } = {}): {
  stage: Stage;
  cli: string;
  ws: string;
} {
  const stage = stageSandbox();
  const dist = stage.dir('dist');
  for (const name of ['corral.cjs', 'fd-passing.node'])
    copyFileSync(join(repo, 'dist', name), join(dist, name));
  const helper = o.landlockAbi
    ? stage.olderHelper(o.landlockAbi)
    : join(repo, 'dist', 'corral-sandbox');
  copyFileSync(helper, join(dist, 'corral-sandbox'));
  chmodSync(join(dist, 'corral-sandbox'), 0o755);
  // The CLI requires node-pty (its own pseudo-terminals) from node_modules beside it.
  cpSync(join(repo, 'node_modules', 'node-pty'), join(stage.root, 'node_modules', 'node-pty'), {
    recursive: true,
  });
  const ws = stage.dir('ws');
  stage.file('ws/notes.md', 'three little words\n');
  stage.dir('ws/out', { writable: true });
  stage.dir('outside');
  stage.file('outside/secret.txt', 'not for extensions\n');
  return { stage, cli: join(dist, 'corral.cjs'), ws };
}

/** Python that forks children (each sleeping 30 s) until refused, then prints "N ERRNO". */
export const FORK_BOMB = `
import errno, os, time
n = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        n += 1
except OSError as e:
    print(n, errno.errorcode[e.errno])
`;

/** Python that spins for 1.5 s of wall-clock time, then prints the CPU seconds it was given. */
export const SPIN_THEN_REPORT = `
import time
start = time.monotonic()
while time.monotonic() - start < 1.5:
    pass
print(round(time.process_time(), 3))
`;

/** Which cgroup would hold a sandbox's limits for the run-as user (the caller makes it). */
export function cgroupLimitsHere(): string {
  return runAs === 'self' ? cgroupSupport() : 'none';
}

/** Which cgroup holds a sandbox's limits, from its `layers` status line: v1, v2 or none. */
export function cgroupLimits(layers: string): string {
  const found = /(?:^|,)cgroup-limits=(v1|v2|none)(?:,|$)/.exec(layers.replace(/^layers /, ''));
  if (!found) throw new Error(`no cgroup-limits in the layers line: ${layers}`);
  return found[1]!;
}

/**
 * The sandbox cgroups this process made and has not removed: corral-sandbox-PID-N beneath its
 * own group in each v1 hierarchy (the harness, like the launcher, makes them for the helper).
 */
export function sandboxCgroups(): string[] {
  const left: string[] = [];
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers = '', path = ''] = line.split(':');
    for (const controller of controllers.split(',')) {
      if (!['pids', 'cpu', 'memory'].includes(controller)) continue;
      const dir = join('/sys/fs/cgroup', controller, path);
      for (const name of existsSync(dir) ? readdirSync(dir) : [])
        if (name.startsWith(`corral-sandbox-${process.pid}-`)) left.push(join(dir, name));
    }
  }
  return left;
}

/**
 * The probe's attempts at the kernel surface refused in both modes (Docker's default profile
 * refuses them too), each answered EPERM with this `deny syscall NAME` line; every one of them
 * succeeds on the host, for root and nobody alike.
 */
export const KERNEL_SURFACE: Record<string, string> = {
  modify_ldt: 'modify_ldt',
  name_to_handle_at: 'name_to_handle_at',
  kcmp: 'kcmp',
  pidfd_getfd: 'pidfd_getfd',
  process_madvise: 'process_madvise',
  mbind: 'mbind',
  set_mempolicy: 'set_mempolicy',
  migrate_pages: 'migrate_pages',
  move_pages: 'move_pages',
  mptcp: 'socket',
};

export const defaultLimits: SandboxLimits = {
  memoryBytes: 1024 * 1024 * 1024,
  cpuPercent: 100,
  pids: 64,
  openFiles: 256,
  fileSizeBytes: 64 * 1024 * 1024,
  timeoutMs: 20_000,
};

export interface PlanOptions {
  /** reduced: no namespaces (the system view's links are the host's own, no tmpfs). */
  mode?: 'full' | 'reduced';
  /** Executables (and their loader) or folders where execution is allowed. */
  exec: string[];
  /** process.spawn; true unless a test asks for one program only (`spawn no`). */
  spawn?: boolean;
  /** 'pty': stdio is a pty of the caller's own, which the command may drive. */
  terminal?: 'caller' | 'pty';
  ro?: string[];
  rw?: string[];
  tmpfs?: string[];
  cwd?: string;
  env?: Record<string, string>;
  keepFds?: number[];
  limits?: Partial<SandboxLimits>;
}

/** A validated plan: the system view read-only, plus exactly the grants given. */
export function planFor(o: PlanOptions): SandboxPlan {
  const view = systemView();
  const mode = o.mode ?? 'full';
  return sandboxPlanSchema.parse({
    mode,
    mounts: [
      ...view.mounts,
      ...(o.ro ?? []).map((path) => ({ path, access: 'ro' as const })),
      ...(o.rw ?? []).map((path) => ({ path, access: 'rw' as const })),
    ],
    symlinks: mode === 'full' ? view.symlinks : [],
    execPaths: o.exec,
    spawn: o.spawn ?? true,
    ...(o.terminal ? { terminal: o.terminal } : {}),
    tmpfs: o.tmpfs ?? [],
    cwd: o.cwd ?? '/',
    env: o.env ?? { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    keepFds: o.keepFds ?? [],
    limits: { ...defaultLimits, ...o.limits },
  } satisfies SandboxPlan);
}

/** Real paths of a program and its interpreters: exactly what it needs to start. */
export function startup(program: string): string[] {
  return resolveCommand(program, '/').startupExecutables;
}

export interface SandboxResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  status: string[];
  ms: number;
}

export interface RunOptions {
  stdin?: string;
  /** Descriptors passed to the helper as 5, 6, ... (3 is the policy, 4 the status lines). */
  extraFds?: number[];
  /**
   * For a plan with a proxyListener: a socket pair of ours goes to the helper after extraFds, and
   * this receives the listening socket once the `layers` line says the sandbox is set up.
   */
  proxyListener?: (fd: number) => void;
  /** Extra environment for the helper itself (the command never sees it). */
  env?: Record<string, string>;
  /** Run the test build that behaves as on a kernel with at most this Landlock ABI. */
  landlockAbi?: OlderLandlockAbi;
  /** The caller's own hard limit on open files, lower than the policy may ask (prlimit). */
  callerNofile?: number;
  /** Safety net: the helper is SIGKILLed after this long (the test then fails on its result). */
  killAfterMs?: number;
  /** Run the helper where no user namespace can be made (withoutUserNamespaces()). */
  noUserNamespaces?: boolean;
}

/** `file args` as the run-as user: itself, or through setpriv as nobody (no groups, no caps). */
export function asRunUser(file: string, args: string[]): [string, string[]] {
  if (runAs === 'self') return [file, args];
  const drop = [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--'];
  return ['setpriv', [...drop, file, ...args]];
}

/**
 * `file args` as the run-as user on a machine without user namespaces: inside a user namespace
 * of its own (the user mapped to itself) whose user.max_user_namespaces is 0, so that nothing
 * inside can make another namespace (ENOSPC), as with that sysctl on the host, but without
 * touching the host. Root keeps its capabilities there, as root on such a machine has them (its
 * pids cgroup needs them); nobody has none.
 */
export function withoutUserNamespaces(file: string, args: string[]): [string, string[]] {
  const dropCaps =
    runAs === 'nobody' ? 'setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all -- ' : '';
  const script = `echo 0 > /proc/sys/user/max_user_namespaces && exec ${dropCaps}"$0" "$@"`;
  return asRunUser('unshare', [
    '--map-current-user',
    '--keep-caps',
    'sh',
    '-c',
    script,
    file,
    ...args,
  ]);
}

/** The helper's command line, with the policy on fd 3 and the status lines on fd 4. */
export function helperCommand(
  stage: Stage,
  cmd: string,
  args: string[],
  opts: RunOptions = {},
): [string, string[]] {
  const argv = ['--policy-fd', '3', '--status-fd', '4', '--', cmd, ...args];
  const helper = opts.landlockAbi ? stage.olderHelper(opts.landlockAbi) : stage.helper;
  const [file, rest] = opts.noUserNamespaces
    ? withoutUserNamespaces(helper, argv)
    : asRunUser(helper, argv);
  const n = opts.callerNofile;
  return n === undefined ? [file, rest] : ['prlimit', [`--nofile=${n}:${n}`, '--', file, ...rest]];
}

/** A raw policy text with the cgroup lines before its `end` (a truncated one stays as it is). */
function withCgroup(text: string, cgroup?: { version: string; fds: number[] }): string {
  if (!cgroup || !text.endsWith('\nend\n')) return text;
  const lines = cgroup.fds.map((fd) => `cgroup ${cgroup.version} ${fd}\n`).join('');
  return `${text.slice(0, -'end\n'.length)}${lines}end\n`;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Starts the helper on `plan` (or a raw policy text); the result settles when it has exited. */
export function spawnSandboxed(
  stage: Stage,
  plan: SandboxPlan | string,
  cmd: string,
  args: string[] = [],
  opts: RunOptions = {},
): { child: ChildProcess; result: Promise<SandboxResult> } {
  const [file, argv] = helperCommand(stage, cmd, args, opts);
  const extra = opts.extraFds ?? [];
  const pair = opts.proxyListener ? fdPassing().socketPair() : null;
  // The caller makes the sandbox's cgroup, as the launcher does: this process when the helper
  // runs as itself; never for nobody, who can make none here.
  const limits = typeof plan === 'string' ? defaultLimits : plan.limits;
  const full = typeof plan === 'string' ? !plan.includes('\nmode reduced\n') : plan.mode === 'full';
  const cgroup =
    runAs === 'self' ? createSandboxCgroup(limits, limits.pids + (full ? 1 : 0)) : null;
  const stdio: StdioOptions = [
    'pipe',
    'pipe',
    'pipe',
    'pipe',
    'pipe',
    ...extra,
    ...(pair ? [pair[1]] : []),
    ...(cgroup?.joinFds ?? []),
  ];
  const first = 5 + extra.length + (pair ? 1 : 0);
  const fds = {
    proxyListener: 5 + extra.length,
    ...(cgroup
      ? { cgroup: { version: cgroup.version, fds: cgroup.joinFds.map((_, i) => first + i) } }
      : {}),
  };
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env };
  for (const name of ['ASAN_OPTIONS', 'UBSAN_OPTIONS']) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  const started = performance.now();
  const child = spawn(file, argv, { stdio, env });
  cgroup?.closeJoinFds();
  const policy = child.stdio[3] as Writable;
  policy.on('error', () => {}); // a helper that refuses early never reads it; its exit says why
  policy.end(typeof plan === 'string' ? withCgroup(plan, fds.cgroup) : renderPolicy(plan, fds));
  if (pair) {
    closeSync(pair[1]);
    // The helper sent the listener before it finished the set-up, so it is there by `layers`.
    (child.stdio[4] as Readable).once('data', () => {
      const { fds } = fdPassing().recvFds(pair[0], 1, 64);
      closeSync(pair[0]);
      for (const fd of fds) opts.proxyListener?.(fd);
    });
  }
  child.stdin?.on('error', () => {});
  child.stdin?.end(opts.stdin ?? '');
  const collect = (stream: Readable | null) => {
    const chunks: Buffer[] = [];
    stream?.on('data', (chunk: Buffer) => chunks.push(chunk));
    return () => Buffer.concat(chunks).toString('utf8');
  };
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  const status = collect(child.stdio[4] as Readable);
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 30_000);
  const result = new Promise<SandboxResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // What the cgroup counted goes before the exit line, where the helper once said it.
      const lines = status().split('\n').filter(Boolean);
      const events = (cgroup?.events() ?? []).map(
        (e) => `limit ${e}${e === 'cpu' ? ' throttled' : ''}`,
      );
      const exitAt = lines.findIndex((l) => l.startsWith('exit '));
      lines.splice(exitAt === -1 ? lines.length : exitAt, 0, ...events);
      for (let i = 0; i < 400 && cgroup && !cgroup.remove(); i++) sleepSync(5);
      resolve({
        code,
        signal,
        stdout: stdout(),
        stderr: stderr(),
        status: lines,
        ms: performance.now() - started,
      });
    });
  });
  return { child, result };
}

export function runSandboxed(
  stage: Stage,
  plan: SandboxPlan | string,
  cmd: string,
  args: string[] = [],
  opts: RunOptions = {},
): Promise<SandboxResult> {
  return spawnSandboxed(stage, plan, cmd, args, opts).result;
}

/** Runs the probe in the sandbox and returns its answers as { op: 'ok' | 'EPERM' | ... }. */
export async function probeIn(
  stage: Stage,
  ops: string[],
  plan: SandboxPlan = planFor({ exec: [stage.probe], ro: [stage.probe] }),
  opts: RunOptions = {},
): Promise<{ answers: Record<string, string>; result: SandboxResult }> {
  const result = await runSandboxed(stage, plan, stage.probe, ops, opts);
  return { answers: parseProbe(result.stdout), result };
}

/** The same probe run without any sandbox (one process per call, so none affects the next),
 * to show that a refusal inside is the sandbox's doing. */
export function probeOutside(
  stage: Stage,
  ops: string[],
  opts: { noUserNamespaces?: boolean } = {},
): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const op of ops) {
    const [file, argv] = opts.noUserNamespaces
      ? withoutUserNamespaces(stage.probe, [op])
      : asRunUser(stage.probe, [op]);
    const out = spawnSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    Object.assign(answers, parseProbe(out.stdout));
  }
  return answers;
}

function parseProbe(stdout: string): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [op = '', ...rest] = line.split(' ');
    answers[op] = rest.join(' ');
  }
  return answers;
}

/**
 * Why this kernel cannot run the suite (a layer --check reports missing, as the run-as user), or
 * false. Tests skip only then; on the CI machine every layer is present and nothing is skipped.
 */
export function missingLayers(stage: Stage): string | false {
  const [file, argv] = asRunUser(stage.helper, ['--check']);
  const out = spawnSync(file, argv, { encoding: 'utf8' });
  if (out.status !== 0) return `corral-sandbox --check failed: ${out.stderr.trim()}`;
  const check = JSON.parse(out.stdout) as {
    layers: Record<string, { ok: boolean; reason?: string }>;
  };
  const missing = Object.entries(check.layers).filter(([, layer]) => !layer.ok);
  return missing.length === 0 ? false : missing.map(([n, l]) => `${n}: ${l.reason}`).join('; ');
}

/** Runs `sh -c script` with the given grants; executing anything in /usr/bin is allowed. */
export function runShell(
  stage: Stage,
  script: string,
  grants: Partial<PlanOptions> = {},
  opts: RunOptions = {},
): Promise<SandboxResult> {
  const plan = planFor({ ...grants, exec: grants.exec ?? ['/usr/bin', ...startup('/bin/sh')] });
  return runSandboxed(stage, plan, '/bin/sh', ['-c', script], opts);
}
