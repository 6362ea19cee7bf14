// Drives the real corral-sandbox for the sandbox suites (and `corral exec` tests): builds plans
// on top of the system view, stages what an unprivileged user must reach, runs the helper as
// CORRAL_TEST_AS says ('self' or 'nobody'), and collects exit, output and status lines.
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { resolveCommand } from '../../app/sandbox/command.ts';
import { sandboxPlanSchema, type SandboxLimits, type SandboxPlan } from '../../app/sandbox/plan.ts';
import { systemView } from '../../app/sandbox/system-paths.ts';
import { renderPolicy } from '../../app/sandbox/wire.ts';

const repo = new URL('../..', import.meta.url).pathname;
const NOBODY = 65534;

/** Who the helper runs as: the current user, or `nobody` when the suite runs as root again. */
export const runAs: 'self' | 'nobody' = process.env.CORRAL_TEST_AS === 'nobody' ? 'nobody' : 'self';

/** The built helper; its AddressSanitizer + UBSan build when CORRAL_SANDBOX_ASAN=1. */
export const builtHelper = join(
  repo,
  'sandbox-helper/build',
  process.env.CORRAL_SANDBOX_ASAN === '1' ? 'asan/corral-sandbox' : 'corral-sandbox',
);
const builtProbe = join(repo, 'sandbox-helper/build/probe');
const fixtures = join(repo, 'test/fixtures/sandbox');

/** A fresh, world-readable folder holding the helper, the probe, the fixtures and workspaces. */
export interface Stage {
  root: string;
  helper: string;
  /** build/probe: `probe OP...` prints "OP ok" or "OP ERRNO" per attempt. */
  probe: string;
  fixtures: string;
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
  for (const [from, to] of [
    [builtHelper, helper],
    [builtProbe, probe],
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

export const defaultLimits: SandboxLimits = {
  memoryBytes: 1024 * 1024 * 1024,
  cpuPercent: 100,
  pids: 64,
  openFiles: 256,
  fileSizeBytes: 64 * 1024 * 1024,
  timeoutMs: 20_000,
};

export interface PlanOptions {
  /** Executables (and their loader) or folders where execution is allowed. */
  exec: string[];
  ro?: string[];
  rw?: string[];
  tmpfs?: string[];
  cwd?: string;
  env?: Record<string, string>;
  tcpConnect?: number[];
  tcpBind?: number[];
  keepFds?: number[];
  limits?: Partial<SandboxLimits>;
}

/** A validated plan: the system view read-only, plus exactly the grants given. */
export function planFor(o: PlanOptions): SandboxPlan {
  const view = systemView();
  return sandboxPlanSchema.parse({
    mode: 'full',
    mounts: [
      ...view.mounts,
      ...(o.ro ?? []).map((path) => ({ path, access: 'ro' as const })),
      ...(o.rw ?? []).map((path) => ({ path, access: 'rw' as const })),
    ],
    symlinks: view.symlinks,
    execPaths: o.exec,
    tmpfs: o.tmpfs ?? [],
    cwd: o.cwd ?? '/',
    env: o.env ?? { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    tcpConnectPorts: o.tcpConnect ?? [],
    tcpBindPorts: o.tcpBind ?? [],
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
  /** Extra environment for the helper itself (the command never sees it). */
  env?: Record<string, string>;
  /** Safety net: the helper is SIGKILLed after this long (the test then fails on its result). */
  killAfterMs?: number;
}

/** `file args` as the run-as user: itself, or through setpriv as nobody (no groups, no caps). */
export function asRunUser(file: string, args: string[]): [string, string[]] {
  if (runAs === 'self') return [file, args];
  const drop = [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--'];
  return ['setpriv', [...drop, file, ...args]];
}

/** The helper's command line, with the policy on fd 3 and the status lines on fd 4. */
export function helperCommand(stage: Stage, cmd: string, args: string[]): [string, string[]] {
  return asRunUser(stage.helper, ['--policy-fd', '3', '--status-fd', '4', '--', cmd, ...args]);
}

/** Starts the helper on `plan` (or a raw policy text); the result settles when it has exited. */
export function spawnSandboxed(
  stage: Stage,
  plan: SandboxPlan | string,
  cmd: string,
  args: string[] = [],
  opts: RunOptions = {},
): { child: ChildProcess; result: Promise<SandboxResult> } {
  const [file, argv] = helperCommand(stage, cmd, args);
  const stdio: StdioOptions = ['pipe', 'pipe', 'pipe', 'pipe', 'pipe', ...(opts.extraFds ?? [])];
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env };
  for (const name of ['ASAN_OPTIONS', 'UBSAN_OPTIONS']) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  const started = performance.now();
  const child = spawn(file, argv, { stdio, env });
  const policy = child.stdio[3] as Writable;
  policy.on('error', () => {}); // a helper that refuses early never reads it; its exit says why
  policy.end(typeof plan === 'string' ? plan : renderPolicy(plan));
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
      resolve({
        code,
        signal,
        stdout: stdout(),
        stderr: stderr(),
        status: status().split('\n').filter(Boolean),
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
): Promise<{ answers: Record<string, string>; result: SandboxResult }> {
  const result = await runSandboxed(stage, plan, stage.probe, ops);
  return { answers: parseProbe(result.stdout), result };
}

/** The same probe run without any sandbox (one process per call, so none affects the next),
 * to show that a refusal inside is the sandbox's doing. */
export function probeOutside(stage: Stage, ops: string[]): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const op of ops) {
    const [file, argv] = asRunUser(stage.probe, [op]);
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
