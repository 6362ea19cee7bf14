// One running extension: its sandbox, its broker channel and its lifecycle (initialize → ready
// within a start-up timeout, per-command timeouts, a watchdog for hangs, restart with backoff after
// a crash, disabled after repeated crashes, clean shutdown then kill). Nothing the extension does
// can throw into the host: every failure becomes a state change and an audit event.
import { closeSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';
import type { AuditEventInput, AuditOutcome } from '../audit-event/event.ts';
import type { PathVariables } from '../policy/variables.ts';
import { pathEnvironment } from '../platform/path-environment.ts';
import { resolveCommand, type ResolvedCommand } from '../sandbox/command.ts';
import {
  confine,
  ConfineError,
  type ProxyStarter,
  type SandboxRuntime,
} from '../sandbox/confine.ts';
import type { Decider } from '../policy/decide.ts';
import type { Permissions } from '../policy/manifest.ts';
import { startSandboxProxy } from '../net/sandbox-proxy.ts';
import { gateSetupOutput, type SetupGate } from '../sandbox/setup-output.ts';
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/frame-decoder.ts';
import {
  LATEST_PROTOCOL_VERSION,
  negotiatedVersion,
  PROTOCOL_VERSION,
  type ProtocolVersion,
} from '../protocol/methods.ts';
import { fdPassing, fdPassingPath } from '../platform/fd-passing.ts';
import { readOnlyOpenerProblem } from '../platform/read-only-opener.ts';
import { createBroker, type NetFetcher } from './broker.ts';
import { createConsentAsker } from './consent-asker.ts';
import { GrantState } from './grant-state.ts';
import type { IpcBus } from './ipc-bus.ts';
import type { PromptService } from './prompts.ts';
import { PeerGone, RpcPeer, RpcTimeout } from './rpc-peer.ts';
import type { LoadedExtension } from './extension-package.ts';
import { UserWait } from './user-wait.ts';
import { FloodGuard, OUTPUT_RATE, type LineRate } from './flood-guard.ts';

/** The extension did not become ready (set-up refused, crashed, or no answer to initialize). */
export class ExtensionStartError extends Error {
  override name = 'ExtensionStartError';
}

export type ExtensionState = 'stopped' | 'starting' | 'ready' | 'crashed' | 'disabled';

export interface RestartPolicy {
  /** Crashes within `windowMs` that disable the extension. */
  maxCrashes: number;
  windowMs: number;
  /** First restart delay; doubles per crash up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ExtensionRunnerOptions {
  extension: LoadedExtension;
  workspace: string | null;
  /** The helper and its layers (app/service/services.ts builds it once per process). */
  sandbox: SandboxRuntime;
  /** ${extensionData}: created if missing. */
  dataDir: string;
  /** A private folder for ${tmp} (created, and emptied by the caller when done). */
  tmpDir: string;
  vars: Omit<PathVariables, 'workspace' | 'extensionData' | 'tmp'>;
  audit: (event: AuditEventInput) => void;
  prompts: PromptService;
  ipc: IpcBus;
  net: NetFetcher;
  /** Folders bound read-only for the runtime (e.g. the Python SDK), with env to find them. */
  runtimeSupport?: { readOnly: string[]; env: Record<string, string> };
  startupTimeoutMs?: number;
  shutdownGraceMs?: number;
  restart?: RestartPolicy;
  rate?: { perSecond: number; burst: number };
  onLog?: (level: string, message: string) => void;
  onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
  /**
   * Corral's own lines about the extension, never its words: how many output or log lines were
   * not shown (flood-guard.ts), after the cut output.
   */
  onNotice?: (message: string) => void;
  /** Output lines and `log` notifications shown per second (default OUTPUT_RATE, LOG_RATE). */
  outputRate?: LineRate;
  logRate?: LineRate;
  onState?: (state: ExtensionState, why: string) => void;
  onAllowedAlways?: (grants: string[]) => void;
  /** The newest protocol version offered (default the latest this host can speak here). */
  protocolVersionMax?: ProtocolVersion;
  /**
   * The slave of a pseudo-terminal Corral owns (app/terminal/pty.ts): the extension's descriptors
   * 0–2, so that tools that need a terminal behave; its owner reads the master. Without it, stdin
   * is closed and stdout/stderr reach onOutput line by line.
   */
  terminalSlave?: number;
  /** `corral dev` only (app/service/dev/): the lens over every decision, see GrantState. */
  lens?: (production: Decider) => Decider;
  /** `corral dev --learn` only: see BrokerOptions.undeclaredRequest. */
  undeclaredRequest?: (requested: Permissions, refusal: string) => boolean;
  /** The proxy for tools that honour HTTP(S)_PROXY (default: app/net/sandbox-proxy.ts). */
  startProxy?: ProxyStarter;
  /** Start the proxy even when the policy names no host (a debug session's relaxed network). */
  proxyAlways?: boolean;
}

/**
 * The sandbox's own wall-clock limit for a long-running extension (the helper's maximum, a week):
 * limits.timeoutMs bounds each command invocation instead, enforced here.
 */
export const EXTENSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** How long an extension has to answer `initialize` (docs/protocol.md, Lifecycle). */
export const STARTUP_TIMEOUT_MS = 10_000;

export const DEFAULT_RESTART: RestartPolicy = {
  maxCrashes: 5,
  windowMs: 60_000,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
};

export class ExtensionRunner {
  private stateValue: ExtensionState = 'stopped';
  private child: ChildProcess | null = null;
  private peer: RpcPeer | null = null;
  private grants: GrantState | null = null;
  private stopping = false;
  private crashes: number[] = [];
  private restartTimer: NodeJS.Timeout | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** A start's launch under way: stop() waits for it, so that the process it makes is killed. */
  private launching: Promise<unknown> | null = null;
  /** How the last run ended ("exit status 3", "killed by signal 9"). */
  private lastExit = '';
  /** The version this run speaks: 1 until the extension takes the one offered (initialize). */
  private protocolVersion: ProtocolVersion = PROTOCOL_VERSION;
  /** Questions to the user stop the clocks of this extension's calls while they wait. */
  private readonly userWait = new UserWait();
  /** The helper's set-up lines, kept apart from the extension's output. */
  private setup: SetupGate | null = null;
  readonly id: string;

  constructor(private readonly o: ExtensionRunnerOptions) {
    this.id = o.extension.manifest.id;
  }

  get state(): ExtensionState {
    return this.stateValue;
  }

  /** The helper's pid while the sandbox runs: the root of its process tree (for resource sampling). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The protocol version this run speaks (docs/protocol.md, Versions). */
  get protocol(): ProtocolVersion {
    return this.protocolVersion;
  }

  /** The live grants (for revoking one while the extension runs). */
  get grantState(): GrantState | null {
    return this.grants;
  }

  /** Starts the sandbox and waits for the extension's answer to initialize. */
  async start(): Promise<void> {
    if (this.stateValue === 'starting' || this.stateValue === 'ready') return;
    if (this.stateValue === 'disabled')
      throw new Error(`${this.id} is disabled after repeated crashes; enable it again to retry`);
    this.stopping = false;
    this.setState('starting', 'start requested');
    const started = performance.now();
    try {
      const launching = this.launch();
      this.launching = launching;
      const offered = await launching.finally(() => (this.launching = null));
      if (this.stopping) throw new Error('it was stopped while it started');
      const answer = await this.peer!.call(
        'initialize',
        {
          protocolVersion: PROTOCOL_VERSION,
          extension: { id: this.id, version: this.o.extension.manifest.version },
          workspace: this.o.workspace,
        },
        this.o.startupTimeoutMs ?? STARTUP_TIMEOUT_MS,
      );
      const version = negotiatedVersion(answer, offered);
      if (!version.ok) throw new Error(version.message);
      this.protocolVersion = version.version;
      if (this.stopping) throw new Error('it was stopped while it started');
    } catch (e) {
      await this.kill(); // first: the helper's set-up failure, if any, is known once it exited
      // Stopped meanwhile: its process is gone as asked, which is no crash (stop() says stopped).
      if (this.stopping) throw new ExtensionStartError(`${this.id} did not start: it was stopped`);
      const setupFailure = this.setup?.failure();
      const why = setupFailure
        ? `the sandbox could not be set up: ${setupFailure}`
        : e instanceof Error
          ? e.message
          : String(e);
      // A sandbox that could not be set up is audited once, by the pipeline that refused it.
      if (!(e instanceof ConfineError))
        this.lifecycle('start', 'failed', `not ready: ${why}`, started);
      this.setState('crashed', why);
      throw new ExtensionStartError(`${this.id} did not start: ${why}`);
    }
    this.lifecycle('start', 'ok', 'ready', started);
    this.setState('ready', 'initialized');
  }

  /** Runs one contributed command, bounded by limits.timeoutMs; a hang restarts the extension. */
  async execute(command: string, args: unknown[] = []): Promise<unknown> {
    if (this.stateValue !== 'ready' || !this.peer)
      throw new Error(`${this.id} is not running (${this.stateValue})`);
    const timeoutMs = this.grants!.policy.limits.timeoutMs;
    const started = performance.now();
    const peer = this.peer;
    const exited = this.exited;
    try {
      const result = await peer.call('command/execute', { command, args }, timeoutMs);
      this.lifecycle('execute', 'ok', `command ${command} done`, started, command);
      return result;
    } catch (e) {
      if (peer.isClosed && !this.stopping) {
        // The connection ended mid-command: wait for the exit (or force it: an extension that
        // closed its socket is of no more use), so the caller learns how it ended, and the crash
        // is handled and audited before the caller decides what to do next.
        const ended = await Promise.race([
          exited.then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), 1000).unref()),
        ]);
        if (!ended) await this.kill();
        const failure = new PeerGone(
          `${this.id} stopped unexpectedly (${this.lastExit}) while running ${command}`,
          this.lastExit,
        );
        this.lifecycle('execute', 'crashed', failure.message, started, command);
        throw failure;
      }
      if (e instanceof RpcTimeout) {
        // The watchdog: an extension that does not answer in time is hung, not merely slow.
        this.o.audit({
          ext: this.id,
          layer: 'host',
          kind: 'limit',
          op: 'timeout',
          target: command,
          outcome: 'timeout',
          reason: `no answer in ${timeoutMs} ms (limits.timeoutMs); restarting the extension`,
        });
        void this.kill();
      } else {
        this.lifecycle(
          'execute',
          'failed',
          `command ${command} failed: ${e instanceof Error ? e.message : String(e)}`,
          started,
          command,
        );
      }
      throw e;
    }
  }

  /** Asks the extension to shut down, then kills what is left after the grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    // A start under way: once its launch has made the process, the kill below reaches it (before,
    // a stop during a start left the extension running, unseen by anyone).
    await this.launching?.catch(() => {});
    const graceMs = this.o.shutdownGraceMs ?? 2000;
    const wallClock = () => new Promise<void>((r) => setTimeout(r, graceMs).unref());
    if (this.peer && !this.peer.isClosed && this.stateValue === 'ready') {
      // On the wall clock: the call's own timer stands still while one of the extension's
      // questions waits for the user, and a question left open must not hold up the stop.
      const asked = this.peer.call('shutdown', {}, graceMs).catch(() => {});
      await Promise.race([asked, wallClock()]);
    }
    await Promise.race([this.exited, wallClock()]);
    await this.kill();
    if (this.stateValue !== 'disabled') this.setState('stopped', 'stopped');
  }

  /** Clears the crash history so a disabled extension can start again. */
  enable(): void {
    this.crashes = [];
    if (this.stateValue === 'disabled') this.setState('stopped', 'enabled again');
  }

  /**
   * The file socket of protocol version 2 when this host can make read-only descriptors (the
   * opener and, for Node, the addon the SDK loads); otherwise the run is offered version 1 only.
   */
  private fileChannel(runtime: string): {
    pair: [number, number];
    env: Record<string, string>;
    readOnly: string[];
  } | null {
    if ((this.o.protocolVersionMax ?? LATEST_PROTOCOL_VERSION) < 2) return null;
    const addon = fdPassingPath();
    if (!addon || readOnlyOpenerProblem() !== null) return null;
    const pair = fdPassing().socketPair();
    // The Node SDK receives descriptors through the host's own build of the addon, bound
    // read-only: Node has no SCM_RIGHTS of its own, and the extension ships no native code.
    const node = runtime === 'node';
    return {
      pair,
      env: { CORRAL_FILE_FD: '4', ...(node ? { CORRAL_FD_ADDON: addon } : {}) },
      readOnly: node ? [dirname(addon)] : [],
    };
  }

  /** Launches the sandbox; returns the protocol version offered to the extension. */
  private async launch(): Promise<ProtocolVersion> {
    const ext = this.o.extension;
    mkdirSync(this.o.dataDir, { recursive: true, mode: 0o700 });
    mkdirSync(this.o.tmpDir, { recursive: true, mode: 0o700 });
    const vars: PathVariables = {
      ...this.o.vars,
      workspace: this.o.workspace,
      extensionData: realpathSync(this.o.dataDir),
      tmp: realpathSync(this.o.tmpDir),
    };
    const command = runtimeCommand(ext);
    this.setup = null; // a refusal before the launch must not read the last run's gate
    // One way of asking the user about optional grants, for SDK calls and proxied tools alike.
    const asker = createConsentAsker({
      ext: { id: this.id, name: ext.manifest.name },
      grants: () => this.grants!,
      prompts: this.userWait.wrap(this.o.prompts),
      audit: this.o.audit,
      onAllowedAlways: this.o.onAllowedAlways,
    });
    const files = this.fileChannel(ext.manifest.runtime);
    const offered: ProtocolVersion = files ? LATEST_PROTOCOL_VERSION : PROTOCOL_VERSION;
    this.protocolVersion = PROTOCOL_VERSION;
    const slave = this.o.terminalSlave;
    let launched: Awaited<ReturnType<typeof confine>>;
    try {
      launched = await confine({
        sandbox: this.o.sandbox,
        ext: this.id,
        target: ext.dir,
        policy: ext.policy,
        policySource: join(ext.dir, 'corral.json'),
        vars,
        // Grants the user allowed always survive a restart; a fresh start begins from the manifest.
        live: (realized) => {
          this.grants ??= new GrantState(realized, this.o.lens);
          this.grants.endRun(); // "allow once" lasted the run that just ended, not this one
          const grants = this.grants;
          return { policy: grants.policy, decider: () => grants.decider() };
        },
        command: command.resolved,
        args: command.args,
        cwd: this.o.workspace ?? ext.dir,
        runtimeReadOnly: [
          ext.dir,
          ...(this.o.runtimeSupport?.readOnly ?? []),
          ...(files?.readOnly ?? []),
        ],
        keepFds: files ? [3, 4] : [3],
        env: {
          CORRAL_FD: '3',
          CORRAL_PROTOCOL_MAX: String(offered),
          ...files?.env,
          CORRAL_EXTENSION_ID: this.id,
          // Where ${extensionData}, ${workspace}… are, for the SDKs' paths.resolve.
          ...pathEnvironment(vars, ext.policy),
          ...command.env,
          ...this.o.runtimeSupport?.env,
        },
        stdio: [
          ...(slave === undefined
            ? (['ignore', 'pipe', 'pipe'] as const)
            : ([slave, slave, slave] as const)),
          'pipe',
          ...(files ? [files.pair[1]] : []),
        ],
        // A pty of Corral's own: the extension may set its modes; it is never the person's terminal.
        ...(slave === undefined ? {} : { terminal: 'pty' as const }),
        lifetimeMs: EXTENSION_LIFETIME_MS,
        audit: this.o.audit,
        // The helper's set-up lines are kept apart from the extension's output (setup-output.ts).
        onStatus: (status) => this.setup?.status(status),
        startProxy: (p) =>
          (this.o.startProxy ?? startSandboxProxy)({
            ...p,
            consent: (t, d) =>
              asker.settle(
                d,
                { kind: 'net', op: 'connect', target: `${t.host}:${t.port}` },
                `${ext.manifest.name} wants to connect to ${t.host}:${t.port}.`,
              ),
          }),
        ...(this.o.proxyAlways ? { proxyAlways: true } : {}),
      });
    } catch (e) {
      if (files) closeSync(files.pair[0]);
      throw e;
    } finally {
      if (files) closeSync(files.pair[1]); // the sandbox's copy is its own now
    }
    const fileSocket = files?.pair[0] ?? null;
    this.child = launched.child;
    const notice = (message: string) => this.o.onNotice?.(message);
    const output = new FloodGuard({
      ext: this.id,
      what: 'output',
      rate: this.o.outputRate ?? OUTPUT_RATE,
      audit: this.o.audit,
      notice,
    });
    const setup = gateSetupOutput(launched.child, (stream, line) => {
      if (output.pass()) this.o.onOutput?.(stream, line);
    });
    this.setup = setup;
    const broker = createBroker({
      ext: { id: this.id, name: ext.manifest.name },
      grants: this.grants!, // set by confine's `live` before the launch
      vars,
      audit: this.o.audit,
      asker,
      ipc: this.o.ipc,
      net: this.o.net,
      log: (level, message) => this.o.onLog?.(level, message),
      deliver: (channel, message) =>
        this.peer?.notify('ipc/message', { channel, message }) ?? false,
      rate: this.o.rate ?? { perSecond: 50_000, burst: 10_000 },
      ...(this.o.logRate ? { logRate: this.o.logRate } : {}),
      notice,
      protocolVersion: () => this.protocolVersion,
      ...(fileSocket === null
        ? {}
        : {
            files: {
              send: (fd: number, handle: number) => {
                fdPassing().sendFds(fileSocket, [fd], Buffer.from(String(handle)));
              },
            },
          }),
      ...(this.o.undeclaredRequest ? { undeclaredRequest: this.o.undeclaredRequest } : {}),
    });
    const flushTimer = setInterval(() => {
      broker.flush();
      output.flush();
    }, 1000);
    flushTimer.unref();
    this.peer = new RpcPeer({
      stream: launched.child.stdio[3] as Duplex,
      maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
      maxInFlight: 64,
      maxUnreadBytes: 8 * 1024 * 1024,
      onRequest: (method, params) => broker.onRequest(method, params),
      onNotification: (method, params) => broker.onNotification(method, params),
      onFrameError: (error) => broker.onFrameError(error),
      onDropped: (method) => broker.onDropped(method),
      onClose: () => {},
      startTimer: this.userWait.timer,
    });
    const peer = this.peer;
    this.exited = launched.result.then((result) => {
      setup.end();
      clearInterval(flushTimer);
      broker.close();
      broker.flush();
      output.flush(); // the line after the cut output, once every line has been read
      peer.close();
      if (fileSocket !== null) closeSync(fileSocket);
      this.o.ipc.unsubscribeAll(this.id);
      this.onExit(result.how);
    });
    return offered;
  }

  private onExit(how: string): void {
    this.child = null;
    this.lastExit = how;
    if (this.stopping || this.stateValue === 'stopped') {
      this.o.audit({
        ext: this.id,
        layer: 'host',
        kind: 'lifecycle',
        op: 'stop',
        target: this.o.extension.dir,
        outcome: 'ok',
        reason: `stopped as asked (${how})`,
      });
      return;
    }
    const now = Date.now();
    const policy = this.o.restart ?? DEFAULT_RESTART;
    this.crashes = [...this.crashes.filter((t) => now - t < policy.windowMs), now];
    this.o.audit({
      ext: this.id,
      layer: 'host',
      kind: 'lifecycle',
      op: 'crash',
      target: this.o.extension.dir,
      outcome: 'crashed',
      reason: `the extension stopped unexpectedly (${how})`,
    });
    if (this.crashes.length >= policy.maxCrashes) {
      this.o.audit({
        ext: this.id,
        layer: 'host',
        kind: 'lifecycle',
        op: 'disable',
        target: this.o.extension.dir,
        outcome: 'limit',
        reason: `${this.crashes.length} crashes within ${policy.windowMs / 1000} s: disabled until enabled again`,
      });
      this.setState('disabled', `${this.crashes.length} crashes`);
      return;
    }
    const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (this.crashes.length - 1));
    this.setState('crashed', `${how}; restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) this.start().catch(() => {}); // a failed restart is a crash: handled above
    }, delay);
  }

  private async kill(): Promise<void> {
    // SIGKILL to the helper: its pid-namespace init dies with it, and with it every process inside.
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  private setState(state: ExtensionState, why: string): void {
    this.stateValue = state;
    this.o.onState?.(state, why);
  }

  private lifecycle(
    op: string,
    outcome: AuditOutcome,
    reason: string,
    started: number,
    target = this.o.extension.dir,
  ): void {
    this.o.audit({
      ext: this.id,
      layer: 'host',
      kind: 'lifecycle',
      op,
      target,
      outcome,
      reason,
      durationUs: Math.round((performance.now() - started) * 1000),
    });
  }
}

/** The program and arguments that start an extension, per its runtime (contracts section 1). */
function runtimeCommand(ext: LoadedExtension): {
  resolved: ResolvedCommand;
  args: string[];
  env: Record<string, string>;
} {
  switch (ext.manifest.runtime) {
    case 'node':
      return { resolved: resolveCommand(process.execPath, '/'), args: [ext.main], env: {} };
    case 'python':
      return {
        resolved: resolveCommand('python3', '/'),
        args: ['-B', ext.main],
        env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
      };
    case 'exec':
      return { resolved: resolveCommand(ext.main, ext.dir), args: [], env: {} };
  }
}
