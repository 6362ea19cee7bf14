// The services root: the one place where Corral's long-lived parts are built (the sandbox helper
// and its layers, the audit store, the extension manager). Each is built on first use and once, so
// `corral list` never opens the audit store and `corral exec` never opens the manager. This module
// loads none of the state-backed parts itself: they arrive as `state` (state-parts.ts), so that a
// command which never needs them (`corral exec`) starts without loading the store, the manager and
// everything beneath them. services.ts wires the full root for the UIs and the tests.
import type { AuditStore } from '../audit/store.ts';
import type { AuditEventInput } from '../audit-event/event.ts';
import type { ExtensionManager } from '../manager/manager.ts';
import { defaultAuditStore } from '../platform/corral-dirs.ts';
import { ConfineError, type SandboxRuntime } from '../sandbox/confine.ts';
import { detectCapabilities, forgetCapabilities } from '../sandbox/detect-capabilities.ts';
import { findHelper } from '../sandbox/helper-path.ts';
import { launchSandbox } from '../sandbox/launcher.ts';

/** A part that could not be opened; the message is one line naming it and the fix. */
export class ServiceError extends Error {}

export interface ServicesOptions {
  env: NodeJS.ProcessEnv;
  /** The audit store's file (default: $XDG_STATE_HOME/corral/audit.db). */
  auditStorePath?: string;
  /** Stands in for this machine's helper (tests that record plans, a staged helper). */
  sandbox?: SandboxRuntime;
}

/** How the state-backed parts are opened; each throws ServiceError with the fix. */
export interface StateParts {
  /** The audit store at `path`, for writing or (`corral log`) read-only. */
  openAuditStore(path: string, readonly: boolean): AuditStore;
  /** The extension manager, whose own actions go to `audit`. */
  openManager(env: NodeJS.ProcessEnv, audit: (event: AuditEventInput) => void): ExtensionManager;
}

export interface Services {
  readonly env: NodeJS.ProcessEnv;
  /** The helper, its layers and the launcher; ServiceError when the helper is not built. */
  sandbox(): SandboxRuntime;
  /** The audit store, opened for writing. */
  auditStore(): AuditStore;
  /** An audit store opened read-only (`corral log`): the default one, or `path`. */
  auditReader(path?: string): AuditStore;
  /** Records one event in the audit store (opening it on first use). */
  audit(event: AuditEventInput): void;
  /** The extension manager, whose own actions (install, revoke…) go to the audit store. */
  manager(): ExtensionManager;
  /** Closes what was opened, newest first. Errors are collected into one line each. */
  close(): string[];
}

/** The message of the one-line error for a missing helper, shared by every command. */
export const HELPER_MISSING =
  'the sandbox helper is not built; fix: run "npm install" in the Corral folder';

/**
 * Builds the services root; nothing is opened until it is asked for. Without `state`, asking for
 * the audit store or the manager is a bug of the caller (app/cli/main.ts's command table).
 */
export function createServiceRoot(o: ServicesOptions, state: StateParts | null): Services {
  let sandbox: SandboxRuntime | undefined = o.sandbox;
  let store: AuditStore | undefined;
  let manager: ExtensionManager | undefined;
  const readers = new Map<string, AuditStore>();
  const auditFile = o.auditStorePath ?? defaultAuditStore(o.env);
  const parts = (): StateParts => {
    if (state) return state;
    throw new Error('this command was started without the audit store and the manager');
  };

  const services: Services = {
    env: o.env,
    sandbox() {
      if (sandbox) return sandbox;
      const helper = findHelper();
      if (!helper) throw new ConfineError(HELPER_MISSING);
      sandbox = {
        helper,
        detect: (d) => detectCapabilities(helper, d),
        launch: launchSandbox,
        forget: () => forgetCapabilities(helper),
      };
      return sandbox;
    },
    auditStore() {
      store ??= parts().openAuditStore(auditFile, false);
      return store;
    },
    auditReader(path = auditFile) {
      const open = readers.get(path);
      if (open) return open;
      const reader = parts().openAuditStore(path, true);
      readers.set(path, reader);
      return reader;
    },
    audit(event) {
      services.auditStore().record(event);
    },
    manager() {
      manager ??= parts().openManager(o.env, (e) => services.audit(e));
      return manager;
    },
    close() {
      const errors: string[] = [];
      const closers: [string, () => void][] = [
        ['the extension manager', () => manager?.close()],
        ['the audit store', () => store?.close()],
        ...[...readers].map(([path, r]): [string, () => void] => [
          `the audit store ${path}`,
          () => r.close(),
        ]),
      ];
      for (const [name, close] of closers) {
        try {
          close();
        } catch (e) {
          errors.push(`cannot close ${name}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      manager = undefined;
      store = undefined;
      readers.clear();
      return errors;
    },
  };
  return services;
}
