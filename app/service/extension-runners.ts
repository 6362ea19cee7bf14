// How one extension is wired to the host's parts: its sandbox, data and run folders, path
// variables, audit, ipc bus, net/fetch and runtime support. `corral run`, the host service and
// the test harness all start extensions through here instead of each filling the option bag.
import { join } from 'node:path';
import type { AuditEventInput } from '../audit-event/event.ts';
import { extensionDataDir } from '../platform/corral-dirs.ts';
import { createRunFolder, removeRunFolder } from '../platform/run-folder.ts';
import { userDirectories } from '../platform/user-dirs.ts';
import type { NetFetcher } from '../runtime/broker.ts';
import { ExtensionRunner, type ExtensionRunnerOptions } from '../runtime/extension-runner.ts';
import { IpcBus } from '../runtime/ipc-bus.ts';
import { createNetFetcher } from '../runtime/net-fetch.ts';
import { runtimeSupport } from '../runtime/runtime-support.ts';
import type { Services } from './services.ts';

/** What differs per run; everything else comes from the services root. */
export type RunnerWiring = Pick<ExtensionRunnerOptions, 'extension' | 'workspace' | 'prompts'> &
  Partial<
    Pick<
      ExtensionRunnerOptions,
      | 'onLog'
      | 'onOutput'
      | 'onNotice'
      | 'onState'
      | 'onAllowedAlways'
      | 'restart'
      | 'rate'
      | 'outputRate'
      | 'logRate'
      | 'startupTimeoutMs'
      | 'shutdownGraceMs'
      | 'dataDir'
      | 'tmpDir'
      | 'vars'
      | 'runtimeSupport'
      | 'protocolVersionMax'
      | 'terminalSlave'
      | 'lens'
      | 'undeclaredRequest'
      | 'startProxy'
      | 'proxyAlways'
    >
  > & {
    /** Shared by the extensions of one host, so they can talk over granted channels. */
    ipc?: IpcBus;
    net?: NetFetcher;
    /** Where the events go (default: the services' audit store). */
    audit?: (event: AuditEventInput) => void;
  };

/** A runner and the private run folder behind its ${tmp}, removed by `dispose()`. */
export interface WiredRunner {
  runner: ExtensionRunner;
  /**
   * Stops the extension, then removes its run folder (never throwing, whatever it left there);
   * resolves with why the folder could not be removed, or null.
   */
  dispose(): Promise<string | null>;
}

/** Builds the ExtensionRunner for one extension; nothing starts until `runner.start()`. */
export function wireRunner(services: Services, w: RunnerWiring): WiredRunner {
  const id = w.extension.manifest.id;
  // The private run folder behind ${tmp} (a test gives its own, reachable by its sandbox user).
  const runFolder = w.tmpDir ? null : createRunFolder('corral-ext');
  const runner = new ExtensionRunner({
    extension: w.extension,
    workspace: w.workspace,
    sandbox: services.sandbox(),
    dataDir: w.dataDir ?? extensionDataDir(services.env, id),
    tmpDir: w.tmpDir ?? join(runFolder!, 'tmp'),
    vars: w.vars ?? userDirectories(services.env),
    audit: w.audit ?? ((event) => services.audit(event)),
    prompts: w.prompts,
    ipc: w.ipc ?? new IpcBus(),
    net: w.net ?? createNetFetcher(),
    runtimeSupport: w.runtimeSupport ?? runtimeSupport(w.extension.manifest.runtime),
    ...pick(w, [
      'onLog',
      'onOutput',
      'onNotice',
      'onState',
      'onAllowedAlways',
      'restart',
      'rate',
      'outputRate',
      'logRate',
      'startupTimeoutMs',
      'shutdownGraceMs',
      'protocolVersionMax',
      'terminalSlave',
      'lens',
      'undeclaredRequest',
      'startProxy',
      'proxyAlways',
    ]),
  });
  return {
    runner,
    async dispose() {
      await runner.stop();
      return runFolder ? removeRunFolder(runFolder) : null;
    },
  };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
