// Starts the helper for one sandboxed command: hands it the policy on a descriptor, reads its
// status lines, and reports how the command ended.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { SandboxPlan } from './plan.ts';
import { renderPolicy } from './wire.ts';
import { HELPER_ENV } from './helper-path.ts';
import { lineSplitter, parseStatusLine, type HelperStatus } from './status.ts';

export interface LaunchRequest {
  helper: string;
  plan: SandboxPlan;
  /** Absolute path executed inside the sandbox. */
  path: string;
  args: string[];
  /** Descriptors 0, 1, 2, then one per plan.keepFds entry in that order. */
  stdio: StdioOptions & unknown[];
  onStatus?: (status: HelperStatus) => void;
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
  // The helper's own descriptors go above every descriptor the command keeps (keep-fd N is N
  // inside too), so the two never collide.
  const keep = req.plan.keepFds;
  const stdio: unknown[] = [...req.stdio];
  for (let fd = stdio.length; fd < Math.max(3, ...keep.map((k) => k + 1)); fd++)
    stdio.push('ignore');
  const policyFd = stdio.length;
  const statusFd = policyFd + 1;
  stdio.push('pipe', 'pipe');

  const child = spawn(
    req.helper,
    ['--policy-fd', String(policyFd), '--status-fd', String(statusFd), '--', req.path, ...req.args],
    { stdio: stdio as StdioOptions, env: HELPER_ENV },
  );
  const statuses: HelperStatus[] = [];
  const policyStream = child.stdio[policyFd] as Writable | null;
  const statusStream = child.stdio[statusFd] as Readable | null;
  // A helper that dies before reading its policy makes this write fail; its exit says why.
  policyStream?.on('error', () => {});
  policyStream?.end(renderPolicy(req.plan));

  const statusDone = new Promise<void>((resolve) => {
    if (!statusStream) return resolve();
    const lines = lineSplitter((line) => {
      const status = parseStatusLine(line);
      statuses.push(status);
      req.onStatus?.(status);
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
      void statusDone.then(() => {
        if (spawnError) {
          const status: HelperStatus = {
            type: 'error',
            reason: `cannot start ${req.helper}: ${spawnError.message}`,
          };
          statuses.push(status);
          req.onStatus?.(status);
          return resolve({ exitStatus: 125, statuses });
        }
        const exitStatus = code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0);
        resolve({ exitStatus, statuses });
      });
    });
  });
  return { child, result };
}
