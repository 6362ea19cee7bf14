// The one confinement pipeline: policy → compiled grants → real paths → granted folders that do
// not exist (a write grant's is created, a read grant's is not bound; grant-folders.ts) → the mode
// this machine allows → the proxy for granted or optional hosts → the plan → the helper → status
// lines as audit events → how it ended.
// `corral exec`, every running extension and `corral dev` go through here, so they cannot drift.
import type { AuditEventInput } from '../audit-event/event.ts';
import type { Decider } from '../policy/decide.ts';
import { compileDecider } from '../policy/decide.ts';
import { compilePolicy, sandboxGrants, type CompiledPolicy } from '../policy/compile.ts';
import { formatPolicyError, type PolicyInput } from '../policy/manifest.ts';
import type { PathVariables } from '../policy/variables.ts';
import { realizePolicy } from '../platform/real-path.ts';
import { buildPlan, PlanError } from './build-plan.ts';
import type { ResolvedCommand } from './command.ts';
import { CapabilityCheckError, type DetectedCapabilities } from './detect-capabilities.ts';
import type { LaunchRequest, Launched, LaunchResult } from './launcher.ts';
import type { SandboxMode, SandboxPlan } from './plan.ts';
import type { HelperStatus } from './status.ts';
import { statusToAudit } from './status-audit.ts';
import { GrantFolderError, grantFolderEvent, prepareGrantFolders } from './grant-folders.ts';

/** What the pipeline needs of this machine: the helper, its --check verdict, and the launcher. */
export interface SandboxRuntime {
  helper: string;
  /**
   * The helper's layers on this kernel (cached: a kernel does not change while we run); `fresh`
   * asks the helper even when a verdict is remembered from an earlier run (corral doctor).
   */
  detect(o?: { fresh?: boolean }): DetectedCapabilities;
  launch(req: LaunchRequest): Launched;
  /** Forgets a remembered verdict: the helper refused to set a sandbox up. */
  forget?(): void;
}

/** The proxy for one sandbox (app/net/sandbox-proxy.ts), loaded only when a policy names hosts. */
export type ProxyStarter = (o: {
  ext: string;
  decider: () => Decider;
  audit: (event: AuditEventInput) => void;
}) => Promise<{
  /** Where tools inside reach the proxy (the plan's proxyListener). */
  listener: { port: number };
  env: Record<string, string>;
  /** Accepts on the listening socket the helper made inside the sandbox and handed over. */
  adopt(fd: number): void;
  close(): Promise<void>;
}>;

export interface ConfineRequest {
  sandbox: SandboxRuntime;
  /** Who the audit events are about: an extension id, or "exec". */
  ext: string;
  /** What the set-up events name: the extension's folder, or the command line. */
  target: string;
  policy: PolicyInput;
  /** Where the policy came from, for error messages ("…/corral.json", "policy.json"). */
  policySource: string;
  vars: PathVariables;
  /**
   * The live grants, given the policy with real paths: an extension keeps its GrantState across
   * restarts (revocations, "allow always"); `corral exec` takes the policy as it is.
   */
  live?: (realized: CompiledPolicy) => { policy: CompiledPolicy; decider: () => Decider };
  command: ResolvedCommand;
  args: string[];
  cwd: string;
  /** Folders the runtime itself needs read-only (the extension's package, the Python SDK). */
  runtimeReadOnly?: string[];
  /** Other folders that are the run's own scratch, like ${tmp} (in the sandbox's memory). */
  scratch?: string[];
  /** 'pty' when the caller relays the command's terminal through a pseudo-terminal of its own. */
  terminal?: 'caller' | 'pty';
  keepFds?: number[];
  env?: Record<string, string>;
  stdio: LaunchRequest['stdio'];
  /** Replaces limits.timeoutMs as the sandbox's wall-clock limit (a long-running extension). */
  lifetimeMs?: number;
  audit: (event: AuditEventInput) => void;
  /** Every helper status line, with the limits in force (for "raise limits.X" messages). */
  onStatus?: (status: HelperStatus, policy: CompiledPolicy) => void;
  /** Loads the proxy (lazily, so that a command without hosts never loads the network code). */
  startProxy?: ProxyStarter;
  /** Start the proxy even when the policy names no host (`corral dev --net log`, --learn). */
  proxyAlways?: boolean;
  /** Told the mode before anything starts (`corral exec` says so when it is reduced). */
  onMode?: (mode: Exclude<SandboxMode, 'refused'>) => void;
}

/** A confined process, started. */
export interface Confinement {
  mode: Exclude<SandboxMode, 'refused'>;
  plan: SandboxPlan;
  /** The live policy the sandbox was built from. */
  policy: CompiledPolicy;
  child: Launched['child'];
  /** How it ended; the proxy is closed by then. `setupFailed`: the helper refused (exit 125). */
  result: Promise<LaunchResult & { setupFailed: boolean; how: string }>;
}

/** The sandbox could not be set up; one line for a person, and nothing was run. */
export class ConfineError extends Error {}

/** Runs the pipeline; throws ConfineError (audited) when nothing could be started. */
export async function confine(req: ConfineRequest): Promise<Confinement> {
  try {
    return await start(req);
  } catch (e) {
    const message =
      e instanceof ConfineError ||
      e instanceof PlanError ||
      e instanceof CapabilityCheckError ||
      e instanceof GrantFolderError
        ? e.message
        : null;
    if (message === null) throw e;
    req.audit({
      ext: req.ext,
      layer: 'host',
      kind: 'lifecycle',
      op: 'start',
      target: req.target,
      outcome: 'failed',
      reason: `sandbox not set up: ${message}`,
    });
    throw e instanceof ConfineError ? e : new ConfineError(message);
  }
}

async function start(req: ConfineRequest): Promise<Confinement> {
  const p = req.policy;
  const compiled = compilePolicy(p.permissions, p.limits, req.vars, p.optionalPermissions);
  if (!compiled.ok)
    throw new ConfineError(formatPolicyError(req.policySource, compiled.errors[0]!));
  const { policy: realized, dropped } = await realizePolicy(compiled.policy);
  for (const reason of dropped) {
    req.audit({
      ext: req.ext,
      layer: 'host',
      kind: 'fs',
      op: 'grant',
      target: req.target,
      outcome: 'failed',
      reason: `not bound: ${reason}`,
    });
  }
  const folders = await prepareGrantFolders(realized, { written: p.permissions.fs, dropped });
  for (const note of folders.notes) req.audit(grantFolderEvent(note, req.ext));
  const live = req.live?.(realized) ?? fixedGrants(realized);
  const { verdict } = req.sandbox.detect();
  if (verdict.mode === 'refused')
    throw new ConfineError(`${verdict.summary} Fix: "corral doctor" says what to enable.`);
  req.onMode?.(verdict.mode);

  // Tools that honour HTTP(S)_PROXY reach granted hosts through the allowlisting proxy; optional
  // hosts count too, since the user may allow one while the sandbox runs. Full mode only: the
  // relay lives in the sandbox's own network namespace (reduced mode has net/fetch alone).
  const namesHosts =
    live.policy.net.length > 0 || live.policy.optional.net.length > 0 || req.proxyAlways === true;
  const proxy =
    verdict.mode === 'full' && namesHosts && req.startProxy
      ? await req.startProxy({ ext: req.ext, decider: live.decider, audit: req.audit })
      : null;
  let plan: SandboxPlan;
  const grants = sandboxGrants(folders.bindable(live.policy));
  try {
    plan = buildPlan({
      mode: verdict.mode,
      ...(proxy ? { proxyListener: proxy.listener } : {}),
      grants:
        req.lifetimeMs === undefined
          ? grants
          : { ...grants, limits: { ...grants.limits, timeoutMs: req.lifetimeMs } },
      command: req.command,
      cwd: req.cwd,
      home: req.vars.home,
      tmp: req.vars.tmp,
      ...(req.runtimeReadOnly ? { runtimeReadOnly: req.runtimeReadOnly } : {}),
      ...(req.scratch ? { scratch: req.scratch } : {}),
      ...(req.terminal ? { terminal: req.terminal } : {}),
      ...(req.keepFds ? { keepFds: req.keepFds } : {}),
      env: { ...req.env, ...proxy?.env },
    });
  } catch (e) {
    await proxy?.close();
    throw e;
  }

  const launched = req.sandbox.launch({
    helper: req.sandbox.helper,
    plan,
    path: req.command.path,
    args: req.args,
    stdio: req.stdio,
    ...(proxy ? { onProxyListener: (fd: number) => proxy.adopt(fd) } : {}),
    onStatus: (status) => {
      req.onStatus?.(status, live.policy);
      const event = statusToAudit(status, { ext: req.ext, target: req.target });
      if (event) req.audit(event);
    },
  });
  const result = launched.result.then(async (r) => {
    await proxy?.close();
    const setupFailed = r.statuses.some((s) => s.type === 'error');
    // The layers may have changed since they were remembered: the next start asks again.
    if (setupFailed) req.sandbox.forget?.();
    return {
      ...r,
      setupFailed,
      how: describeExit(r.exitStatus),
    };
  });
  return { mode: verdict.mode, plan, policy: live.policy, child: launched.child, result };
}

function fixedGrants(policy: CompiledPolicy): {
  policy: CompiledPolicy;
  decider: () => Decider;
} {
  const decider = compileDecider(policy);
  return { policy, decider: () => decider };
}

/** The audit outcome of an exit status: 0 ok, 128+N (a signal) crashed, anything else failed. */
export function exitOutcome(exitStatus: number): 'ok' | 'failed' | 'crashed' {
  return exitStatus === 0 ? 'ok' : exitStatus >= 128 ? 'crashed' : 'failed';
}

/** "exit status 3", "killed by signal 9": how a sandboxed command ended, for people and the log. */
export function describeExit(exitStatus: number): string {
  return exitStatus >= 128 ? `killed by signal ${exitStatus - 128}` : `exit status ${exitStatus}`;
}
