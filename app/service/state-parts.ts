// The state-backed parts of the services root (service-root.ts): the audit store and the extension
// manager, with their failures turned into one-line ServiceErrors. Loaded only by what needs them.
import { AuditStoreError, openAuditStore } from '../audit/store.ts';
import { ExtensionManager, ManagerError } from '../manager/manager.ts';
import { StateError } from '../manager/state-db.ts';
import { ServiceError, type StateParts } from './service-root.ts';

/** Opens the audit store and the manager for the services root. */
export const stateParts: StateParts = {
  openAuditStore(path, readonly) {
    try {
      return openAuditStore(path, readonly ? { readonly: true } : undefined);
    } catch (e) {
      if (e instanceof AuditStoreError) throw new ServiceError(e.message);
      if (readonly) throw e;
      throw new ServiceError(
        `cannot open the audit log ${path} (${e instanceof Error ? e.message : String(e)}); fix: make its folder writable`,
      );
    }
  },
  openManager(env, audit) {
    try {
      return ExtensionManager.open({ env, audit });
    } catch (e) {
      if (e instanceof StateError || e instanceof ManagerError) throw new ServiceError(e.message);
      throw e;
    }
  },
};
