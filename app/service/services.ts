// The services root: the one place where Corral's long-lived parts are built (the sandbox helper
// and its layers, the audit store, the extension manager). Each is built on first use and once, so
// `corral list` never opens the audit store and `corral exec` never opens the manager. The CLI,
// `corral serve`, Electron main and the test harness all take their parts from here.
import { AuditStoreError, openAuditStore, type AuditStore } from '../audit/store.ts';
import type { AuditEventInput } from '../audit-event/event.ts';
import { ExtensionManager, ManagerError } from '../manager/manager.ts';
import { StateError } from '../manager/state-db.ts';
import { defaultAuditStore } from '../platform/corral-dirs.ts';
import { ConfineError, type SandboxRuntime } from '../sandbox/confine.ts';
import { detectCapabilities } from '../sandbox/detect-capabilities.ts';
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

/** Builds the services root; nothing is opened until it is asked for. */
export function createServices(o: ServicesOptions): Services {
  let sandbox: SandboxRuntime | undefined = o.sandbox;
  let store: AuditStore | undefined;
  let manager: ExtensionManager | undefined;
  const readers = new Map<string, AuditStore>();
  const auditFile = o.auditStorePath ?? defaultAuditStore(o.env);

  const services: Services = {
    env: o.env,
    sandbox() {
      if (sandbox) return sandbox;
      const helper = findHelper();
      if (!helper) throw new ConfineError(HELPER_MISSING);
      sandbox = { helper, detect: () => detectCapabilities(helper), launch: launchSandbox };
      return sandbox;
    },
    auditStore() {
      if (store) return store;
      try {
        store = openAuditStore(auditFile);
      } catch (e) {
        if (e instanceof AuditStoreError) throw new ServiceError(e.message);
        throw new ServiceError(
          `cannot open the audit log ${auditFile} (${e instanceof Error ? e.message : String(e)}); fix: make its folder writable`,
        );
      }
      return store;
    },
    auditReader(path = auditFile) {
      const open = readers.get(path);
      if (open) return open;
      let reader: AuditStore;
      try {
        reader = openAuditStore(path, { readonly: true });
      } catch (e) {
        if (e instanceof AuditStoreError) throw new ServiceError(e.message);
        throw e;
      }
      readers.set(path, reader);
      return reader;
    },
    audit(event) {
      services.auditStore().record(event);
    },
    manager() {
      if (manager) return manager;
      try {
        manager = ExtensionManager.open({ env: o.env, audit: (e) => services.audit(e) });
      } catch (e) {
        if (e instanceof StateError || e instanceof ManagerError) throw new ServiceError(e.message);
        throw e;
      }
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
