// Starts the helper for one sandboxed command: makes its cgroup where the caller can, hands it the
// policy on a descriptor, reads its status lines, receives the proxy's listening socket when the
// plan has one, and reports how the command ended (and what the cgroup counted).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { fdPassing } from '../platform/fd-passing.ts';
import type { SandboxPlan } from './plan.ts';
import { renderPolicy, type PolicyDescriptors } from './wire.ts';
import { HELPER_ENV } from './helper-path.ts';
import { lineSplitter, parseStatusLine, type HelperStatus } from './status.ts';
import { createSandboxCgroup, type SandboxCgroup } from './cgroup.ts';

export interface LaunchRequest {
  helper: string;
  plan: SandboxPlan;
  /** Absolute path executed inside the sandbox. */
  path: string;
  args: string[];
  /** Descriptors 0, 1, 2, then one per plan.keepFds entry in that order. */
  stdio: StdioOptions & unknown[];
  onStatus?: (status: HelperStatus) => void;
  /**
   * Required with plan.proxyListener: called with the listening socket of 127.0.0.1:port in the
   * sandbox's network namespace (the callee's to close) once the sandbox is set up, before the
   * command runs; connections made meanwhile wait in its backlog.
   */
  onProxyListener?: (fd: number) => void;
}

export interface LaunchResult {
  /** What `corral exec` exits with: the command's code, 125 for set-up failure, 128+N for signal N. */
  exitStatus: number;
  statuses: HelperStatus[];
}

export interface Launched {
  child: ChildProcess;
  result: Promise<LaunchResult>;
}

/** Spawns the helper; the policy travels on a descriptor, never in argv. */
export function launchSandbox(req: LaunchRequest): Launched {
  const plan = req.plan;
  if (plan.proxyListener && !req.onProxyListener)
    throw new Error('launchSandbox: a plan with a proxyListener needs onProxyListener');
  // The helper's own descriptors go above every descriptor the command keeps (keep-fd N is N
  // inside too), so the two never collide.
  const stdio: unknown[] = [...req.stdio];
  for (let fd = stdio.length; fd < Math.max(3, ...plan.keepFds.map((k) => k + 1)); fd++)
    stdio.push('ignore');
  const fds: PolicyDescriptors = {};
  // The proxy listener comes back on a socket pair of our own: Node's 'pipe' would read (and so
  // drop) the descriptor that rides along.
  const pair = plan.proxyListener ? fdPassing().socketPair() : null;
  if (pair) {
    fds.proxyListener = stdio.length;
    stdio.push(pair[1]);
  }
  // The sandbox's init counts among its processes in mode full.
  const cgroup = createSandboxCgroup(
    plan.limits,
    plan.limits.pids + (plan.mode === 'full' ? 1 : 0),
  );
  if (cgroup) {
    fds.cgroup = { version: cgroup.version, fds: cgroup.joinFds.map((_, i) => stdio.length + i) };
    stdio.push(...cgroup.joinFds);
  }
  const policyFd = stdio.length;
  const statusFd = policyFd + 1;
  stdio.push('pipe', 'pipe');

  let child: ChildProcess;
  try {
    child = spawn(
      req.helper,
      [
        '--policy-fd',
        String(policyFd),
        '--status-fd',
        String(statusFd),
        '--',
        req.path,
        ...req.args,
      ],
      { stdio: stdio as StdioOptions, env: HELPER_ENV },
    );
  } finally {
    if (pair) closeSync(pair[1]); // the helper's copy is its own now
  }
  cgroup?.closeJoinFds();
  const statuses: HelperStatus[] = [];
  const report = (status: HelperStatus) => {
    statuses.push(status);
    req.onStatus?.(status);
  };
  let ownSocket = pair?.[0] ?? null;
  let refused = false;
  /** The listener was sent before the set-up finished, so it is there by the `layers` line. */
  const takeListener = () => {
    if (ownSocket === null) return;
    const socket = ownSocket;
    ownSocket = null;
    let listener: number | undefined;
    try {
      [listener] = fdPassing().recvFds(socket, 1, 64).fds;
    } catch {
      // reported below
    } finally {
      closeSync(socket);
    }
    if (listener === undefined) {
      refused = true;
      report({ type: 'error', reason: 'the sandbox did not hand over the proxy listener' });
      child.kill('SIGKILL');
    } else {
      req.onProxyListener?.(listener);
    }
  };
  const policyStream = child.stdio[policyFd] as Writable | null;
  const statusStream = child.stdio[statusFd] as Readable | null;
  // A helper that dies before reading its policy makes this write fail; its exit says why.
  policyStream?.on('error', () => {});
  policyStream?.end(renderPolicy(plan, fds));

  const statusDone = new Promise<void>((resolve) => {
    if (!statusStream) return resolve();
    const lines = lineSplitter((line) => {
      const status = parseStatusLine(line);
      if (status.type === 'layers') takeListener();
      if (!refused) report(status);
    });
    statusStream.on('data', (chunk: Buffer) => lines.push(chunk));
    statusStream.on('error', () => resolve());
    statusStream.on('close', () => {
      lines.end();
      resolve();
    });
  });

  const result = new Promise<LaunchResult>((resolve) => {
    let spawnError: Error | null = null;
    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (code, signal) => {
      void statusDone.then(async () => {
        if (ownSocket !== null) closeSync(ownSocket); // the sandbox never got that far
        ownSocket = null;
        if (cgroup) await endCgroup(cgroup, spawnError ? () => {} : report);
        if (spawnError) {
          report({ type: 'error', reason: `cannot start ${req.helper}: ${spawnError.message}` });
          return resolve({ exitStatus: 125, statuses });
        }
        if (refused) return resolve({ exitStatus: 125, statuses });
        const exitStatus = code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0);
        resolve({ exitStatus, statuses });
      });
    });
  });
  return { child, result };
}

/**
 * What the cgroup counted, as `limit` statuses, then its removal: the sandbox's last processes
 * may take a moment to be gone after the helper (a SIGKILLed helper's sandbox dies after it).
 */
async function endCgroup(cgroup: SandboxCgroup, report: (s: HelperStatus) => void): Promise<void> {
  for (const limit of cgroup.events()) {
    report({ type: 'limit', limit, detail: limit === 'cpu' ? 'throttled' : '' });
  }
  for (let i = 0; i < 40 && !cgroup.remove(); i++) await sleep(25);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
