// The installed extensions the host runs: each starts on demand (a command from a UI), stops after
// a while without work, and is kept in step with the extension state that any process may change
// (a revocation felt at once; disable, quarantine or uninstall stop it). A crash, a hang, a flood
// or garbage from one extension changes its state and is audited; it never reaches the host.
import type { ExtensionLogLine } from '../contract/index.ts';
import type { ExtensionManager } from '../manager/manager.ts';
import {
  allowedAlwaysIds,
  loadInstalledExtension,
  revokeLive,
  watchInstalled,
} from '../manager/installed-extension.ts';
import type { Monitor } from '../metrics/monitor.ts';
import type { LoadedExtension } from '../runtime/extension-package.ts';
import {
  ExtensionStartError,
  type ExtensionRunner,
  type ExtensionState,
} from '../runtime/extension-runner.ts';
import type { IpcBus } from '../runtime/ipc-bus.ts';
import type { PromptService } from '../runtime/prompts.ts';
import { wireRunner, type WiredRunner } from './extension-runners.ts';
import type { Services } from './services.ts';

/** Lines of each extension's own output and log kept for its details view. */
export const LOG_LINES_KEPT = 200;
/** An extension with nothing to do for this long is stopped (it starts again on demand). */
export const IDLE_STOP_MS = 5 * 60_000;

export interface FleetOptions {
  services: Services;
  prompts: PromptService & { withdraw(ext: string, message: string): void };
  ipc: IpcBus;
  monitor: Monitor | null;
  /** The folder extensions see as ${workspace} (null: none open). */
  workspace: () => string | null;
  /** An extension's state changed (the UI's onExtensionState). */
  onChange: (id: string) => void;
  onLog: (id: string, lines: ExtensionLogLine[]) => void;
  idleStopMs?: number;
}

interface Running {
  wired: WiredRunner;
  extension: LoadedExtension;
  /** Why it is in its state, in a few words. */
  why: string;
  watcher: { check(): void; close(): void } | null;
  busy: number;
  idle: NodeJS.Timeout | null;
}

/** A start that a stop came for; `startsAgain` when whoever stopped it starts it again. */
class StartStopped extends ExtensionStartError {
  constructor(
    message: string,
    readonly startsAgain: boolean,
  ) {
    super(message);
  }
}

/** The running (or starting, or crashed and restarting) installed extensions of one host. */
export class ExtensionFleet {
  private readonly running = new Map<string, Running>();
  private readonly logs = new Map<string, ExtensionLogLine[]>();
  private closing = false;

  constructor(private readonly o: FleetOptions) {}

  private get manager(): ExtensionManager {
    return this.o.services.manager();
  }

  /** The runner's state, or null when it is not running. */
  state(id: string): { state: ExtensionState; why: string; pid: number | undefined } | null {
    const r = this.running.get(id);
    if (!r) return null;
    return { state: r.wired.runner.state, why: r.why, pid: r.wired.runner.pid };
  }

  /** The live grants of a running extension (for its details view). */
  runner(id: string): ExtensionRunner | null {
    return this.running.get(id)?.wired.runner ?? null;
  }

  /** The policy a running extension started with (for the questions it asks). */
  policyOf(id: string): LoadedExtension['policy'] | null {
    return this.running.get(id)?.extension.policy ?? null;
  }

  recentLog(id: string): ExtensionLogLine[] {
    return this.logs.get(id) ?? [];
  }

  /** Starts `id` unless it runs; resolves once it answered initialize. Errors are one line. */
  async ensureRunning(id: string): Promise<ExtensionRunner> {
    return (await this.ensure(id)).wired.runner;
  }

  private async ensure(id: string): Promise<Running> {
    for (;;) {
      try {
        return await this.ensureOnce(id);
      } catch (e) {
        // A restart, update or rollback stopped the start this waited for: the extension is
        // meant to run afterwards (the new code, for an update), so wait for that start instead.
        if (!(e instanceof StartStopped && e.startsAgain)) throw e;
      }
    }
  }

  private async ensureOnce(id: string): Promise<Running> {
    if (this.closing) throw new ExtensionStartError('Corral is shutting down');
    // A start already under way is shared: two commands (or a command and a message) that find
    // the extension stopped must not each start one, or all but the last would run on unseen,
    // never stopped, and keep `corral serve` from exiting.
    const pending = this.starts.get(id);
    if (pending && !this.cancelled.has(id)) return pending;
    if (pending) {
      // A stop came for that start before this request: this one starts afresh once it ended.
      await pending.catch(() => {});
      return this.ensureOnce(id);
    }
    const r = this.running.get(id);
    if (r && r.wired.runner.state === 'ready') return r;
    // Its runner restarting it after a crash.
    if (r && r.wired.runner.state === 'starting') {
      await this.whenReady(r);
      return r;
    }
    const fresh = this.startFresh(id, r).finally(() => {
      this.starts.delete(id);
      this.cancelled.delete(id);
    });
    this.starts.set(id, fresh);
    return fresh;
  }

  /** The starts under way, from before the package is read to the extension's first answer. */
  private readonly starts = new Map<string, Promise<Running>>();

  private async startFresh(id: string, previous: Running | undefined): Promise<Running> {
    if (previous) await this.stopRunning(id, 'starting again'); // crashed or disabled: afresh
    await this.disposals.get(id)?.gone; // one copy at a time: a stop under way ends first
    let loaded: Awaited<ReturnType<typeof loadInstalledExtension>> | null = null;
    let unreadable: unknown = null;
    try {
      loaded = await loadInstalledExtension(this.manager, id);
    } catch (e) {
      unreadable = e;
    }
    // Corral may have begun to close while the extension was read: close() stops what runs, and an
    // extension wired after it would run on unseen (and keep `corral serve` from exiting). A stop
    // meanwhile is the reason, also when the read failed: an uninstall removes the files it reads.
    if (this.closing) throw new ExtensionStartError('Corral is shutting down');
    this.throwIfStopped(id);
    if (!loaded) throw unreadable;
    const { extension } = loaded;
    const run = this.wire(id, extension);
    this.running.set(id, run);
    try {
      await run.wired.runner.start();
      // Started, but a stop came as it answered: that stop has it (and would not see a watcher).
      if (this.running.get(id) !== run) {
        this.throwIfStopped(id);
        throw new ExtensionStartError(`${id} did not start: it was stopped`);
      }
      run.watcher = watchInstalled(this.manager, id, {
        grants: () => run.wired.runner.grantState,
        policy: extension.policy,
        stop: (why) => void this.stop(id, why),
        onRevoked: () => this.o.onChange(id),
      });
      return run;
    } catch (e) {
      // It could not start: nothing is left running; its state says why until the next try. A
      // stop that came meanwhile is the reason (the runner only knows it was stopped).
      this.throwIfStopped(id);
      const why = e instanceof Error ? e.message : String(e);
      await this.stopRunning(id, why);
      throw new ExtensionStartError(why);
    }
  }

  /** A start that a stop came for ends with the stop's reason. */
  private throwIfStopped(id: string): void {
    const stop = this.cancelled.get(id);
    if (stop) throw new StartStopped(`${id} did not start: ${stop.why}`, stop.startsAgain);
  }

  /** Runs one command, starting the extension if needed; the idle timer restarts afterwards. */
  async execute(id: string, command: string, args: unknown[]): Promise<unknown> {
    const r = await this.ensure(id);
    r.busy++;
    if (r.idle) clearTimeout(r.idle);
    try {
      return await r.wired.runner.execute(command, args);
    } finally {
      r.busy--;
      this.armIdle(id, r);
    }
  }

  /** Applies a revocation the user made here to the running copy at once. */
  revokeLive(id: string, rule: string): void {
    const r = this.running.get(id);
    const grants = r?.wired.runner.grantState;
    if (r && grants) revokeLive(grants, r.extension.policy, rule);
    r?.watcher?.check();
  }

  /**
   * Stops `id` (shutdown, then kill) and withdraws its questions; `why` is shown in its state. A
   * start under way is stopped too: a disable, an update or an uninstall that comes while the
   * package is read must not leave the extension to start after it.
   */
  async stop(id: string, why: string, o: { startsAgain?: boolean } = {}): Promise<void> {
    if (this.starts.has(id)) this.cancelled.set(id, { why, startsAgain: o.startsAgain === true });
    await this.stopRunning(id, why);
  }

  /**
   * The starts under way that a stop came for, with its reason, and whether the one who stopped
   * it starts the extension again (a restart, an update, a rollback).
   */
  private readonly cancelled = new Map<string, { why: string; startsAgain: boolean }>();

  private async stopRunning(id: string, why: string): Promise<void> {
    const r = this.running.get(id);
    // Another stop got there first: this one, too, returns only once the process is gone (an
    // uninstall removes the files next).
    if (!r) return this.disposals.get(id)?.gone;
    this.running.delete(id);
    if (r.idle) clearTimeout(r.idle);
    r.watcher?.close();
    this.o.prompts.withdraw(id, `${r.extension.manifest.name} stopped: the question is withdrawn.`);
    this.o.monitor?.unwatchProcess(id);
    const disposal = r.wired.dispose();
    const stopping = {
      name: r.extension.manifest.name,
      gone: disposal.then(
        () => undefined,
        () => undefined,
      ),
    };
    this.disposals.set(id, stopping);
    try {
      await disposal;
    } finally {
      if (this.disposals.get(id) === stopping) this.disposals.delete(id);
    }
    this.stopped.set(id, why);
    this.o.onChange(id);
  }

  /** The stops under way, by id: the display name, and `gone` once the process is gone. */
  private readonly disposals = new Map<string, { name: string; gone: Promise<void> }>();

  /** Why a stopped extension stopped (shown until it starts again). */
  readonly stopped = new Map<string, string>();

  /** The display names of the extensions being stopped now (a close that takes long names them). */
  stoppingNow(): string[] {
    return [...this.disposals.values()].map((d) => d.name);
  }

  /**
   * The installed, enabled extensions that are not running and may receive on `channel` (a
   * required subscribe grant, after revocations): each is started, so that a message published
   * to it is not lost while it sleeps. Returns their ids; the bus keeps the message for them.
   */
  wakeFor(channel: string, from: string): string[] {
    if (this.closing) return [];
    const manager = this.manager;
    const woken: string[] = [];
    for (const record of manager.list()) {
      if (record.id === from || !record.enabled || record.quarantine) continue;
      if (this.running.has(record.id)) continue;
      const receives = (manager.policyFor(record).permissions.ipc ?? []).some(
        (g) => g.channel === channel && g.access !== 'publish',
      );
      if (!receives) continue;
      woken.push(record.id);
      this.ensureRunning(record.id).catch((e: unknown) =>
        this.o.services.audit({
          ext: record.id,
          layer: 'host',
          kind: 'lifecycle',
          op: 'start',
          target: channel,
          outcome: 'failed',
          reason: `started to receive a message on ${channel}, it did not start: ${e instanceof Error ? e.message : String(e)}`,
        }),
      );
    }
    return woken;
  }

  /** Stops every extension (the host is shutting down). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.running.keys()].map((id) => this.stopRunning(id, 'Corral stopped')));
  }

  private wire(id: string, extension: LoadedExtension): Running {
    const name = extension.manifest.name;
    const run: Running = {
      extension,
      why: 'starting',
      watcher: null,
      busy: 0,
      idle: null,
      wired: wireRunner(this.o.services, {
        extension,
        workspace: this.o.workspace(),
        prompts: this.o.prompts,
        ipc: this.o.ipc,
        onAllowedAlways: (labels) =>
          void this.manager.recordAllowedAlways(id, allowedAlwaysIds(extension.policy, labels)),
        onLog: (level, message) =>
          this.log(id, {
            stream: 'log',
            level: level as ExtensionLogLine['level'],
            text: message,
          }),
        onOutput: (stream, line) => this.log(id, { stream, text: line }),
        onNotice: (message) => this.log(id, { stream: 'corral', text: message }),
        onState: (state, why) => {
          run.why = why;
          this.stopped.delete(id);
          const pid = run.wired.runner.pid;
          if (state === 'ready' && pid !== undefined) this.o.monitor?.watchProcess(id, pid);
          if (state !== 'ready') this.o.monitor?.unwatchProcess(id);
          if (state === 'ready') this.armIdle(id, run);
          if (state === 'crashed' || state === 'disabled')
            this.o.prompts.withdraw(id, `${name} stopped unexpectedly: the question is withdrawn.`);
          this.o.onChange(id);
        },
      }),
    };
    return run;
  }

  private whenReady(r: Running): Promise<ExtensionRunner> {
    return new Promise((resolve, reject) => {
      const check = setInterval(() => {
        const state = r.wired.runner.state;
        if (state === 'ready') {
          clearInterval(check);
          resolve(r.wired.runner);
        } else if (state !== 'starting') {
          clearInterval(check);
          reject(new Error(`${r.extension.manifest.id} did not start (${r.why})`));
        }
      }, 50);
    });
  }

  private armIdle(id: string, r: Running): void {
    if (r.idle) clearTimeout(r.idle);
    if (r.busy > 0) return;
    r.idle = setTimeout(
      () => void this.stop(id, 'stopped after a while without work; it starts again when needed'),
      this.o.idleStopMs ?? IDLE_STOP_MS,
    );
    r.idle.unref();
  }

  private log(id: string, line: Omit<ExtensionLogLine, 'ts'>): void {
    const full: ExtensionLogLine = {
      ts: new Date().toISOString(),
      ...line,
      text: line.text.slice(0, 4096),
    };
    if (full.level === undefined) delete full.level;
    const kept = this.logs.get(id) ?? [];
    kept.push(full);
    if (kept.length > LOG_LINES_KEPT) kept.splice(0, kept.length - LOG_LINES_KEPT);
    this.logs.set(id, kept);
    this.o.onLog(id, [full]);
  }
}
