// The installed extensions: the list, the details of those the user opened, their own log lines
// and recent audit events as they arrive, and the actions on them (each answers with the new state,
// which replaces the old one at once; the host's onExtensionState tells every other window).
import type {
  ContractResult,
  EventPayload,
  ExtensionDetails,
  ExtensionLogLine,
  ExtensionSummary,
} from '../../../app/contract/index.ts';
import type { AuditEventView } from './audit-window.ts';
import { without } from './records.ts';
import { errorOf, type ActionError, type SliceFactory } from './slice.ts';

/** Lines and events kept per extension for its details view. */
const LOG_KEEP = 500;
const EVENTS_KEEP = 100;

export interface ExtensionsSlice {
  /** Sorted by name, then id. */
  extensions: ExtensionSummary[];
  extensionsLoaded: boolean;
  extensionsError: string | null;
  details: Record<string, ExtensionDetails>;
  detailsError: Record<string, string>;
  /** The extension's own output, oldest first: the details' recent lines, then live ones. */
  extensionLog: Record<string, ExtensionLogLine[]>;
  /** Its audit events, oldest first: the details' recent events, then live ones. */
  extensionEvents: Record<string, AuditEventView[]>;
  loadExtensions(): Promise<ActionError>;
  loadDetails(id: string): Promise<ActionError>;
  applyExtensionState(payload: EventPayload<'onExtensionState'>): void;
  appendExtensionLog(payload: EventPayload<'onExtensionLog'>): void;
  noteExtensionEvents(events: readonly AuditEventView[]): void;
  enableExtension(id: string, liftQuarantine?: boolean): Promise<ActionError>;
  disableExtension(id: string): Promise<ActionError>;
  restartExtension(id: string): Promise<ActionError>;
  stopExtension(id: string): Promise<ActionError>;
  quarantineExtension(id: string, reason: string): Promise<ActionError>;
  uninstallExtension(id: string, keepData: boolean): Promise<ActionError>;
  rollbackExtension(id: string): Promise<ActionError>;
  revokeGrant(id: string, rule: string): Promise<ActionError>;
  restoreGrant(id: string, rule: string): Promise<ActionError>;
}

const byName = (a: ExtensionSummary, b: ExtensionSummary) =>
  a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id.localeCompare(b.id);

function keepLast<T>(items: readonly T[], more: readonly T[], keep: number): T[] {
  const all = items.concat(more);
  return all.length > keep ? all.slice(all.length - keep) : all;
}

export const createExtensionsSlice: SliceFactory<ExtensionsSlice> = ({ set, get, client }) => {
  const upsert = (summary: ExtensionSummary) => {
    const rest = get().extensions.filter((e) => e.id !== summary.id);
    const details = get().details[summary.id];
    set({
      extensions: [...rest, summary].sort(byName),
      ...(details ? { details: { ...get().details, [summary.id]: { ...details, summary } } } : {}),
    });
  };

  const remove = (id: string) => {
    const s = get();
    set({
      extensions: s.extensions.filter((e) => e.id !== id),
      details: without(s.details, id),
      detailsError: without(s.detailsError, id),
      extensionLog: without(s.extensionLog, id),
      extensionEvents: without(s.extensionEvents, id),
    });
  };

  const storeDetails = (details: ExtensionDetails) => {
    const id = details.summary.id;
    const s = get();
    set({
      details: { ...s.details, [id]: details },
      detailsError: without(s.detailsError, id),
      extensionLog: { ...s.extensionLog, [id]: details.recentLog.slice(-LOG_KEEP) },
      extensionEvents: { ...s.extensionEvents, [id]: details.recentEvents.slice(-EVENTS_KEEP) },
    });
    upsert(details.summary);
  };

  /** Runs an action that answers with the new summary; a details view open on it is re-read. */
  const act = async (
    id: string,
    call: () => Promise<ContractResult<ExtensionSummary>>,
  ): Promise<ActionError> => {
    const result = await call();
    if (!result.ok) return errorOf(result);
    upsert(result.value);
    if (get().details[id]) return get().loadDetails(id);
    return null;
  };

  const grantAction = async (
    call: () => Promise<ContractResult<ExtensionDetails>>,
  ): Promise<ActionError> => {
    const result = await call();
    if (result.ok) storeDetails(result.value);
    return errorOf(result);
  };

  return {
    extensions: [],
    extensionsLoaded: false,
    extensionsError: null,
    details: {},
    detailsError: {},
    extensionLog: {},
    extensionEvents: {},

    async loadExtensions() {
      const result = await client.extensions.list({});
      if (!result.ok) {
        set({ extensionsError: result.error.message });
        return result.error.message;
      }
      set({
        extensions: result.value.slice().sort(byName),
        extensionsLoaded: true,
        extensionsError: null,
      });
      return null;
    },

    async loadDetails(id) {
      const result = await client.extensions.get({ id });
      if (!result.ok) {
        set({ detailsError: { ...get().detailsError, [id]: result.error.message } });
        return result.error.message;
      }
      storeDetails(result.value);
      return null;
    },

    applyExtensionState(payload) {
      if ('removed' in payload) return remove(payload.id);
      upsert(payload.extension);
      // Grants and commands may have changed with the state: re-read an open details view.
      if (get().details[payload.extension.id]) void get().loadDetails(payload.extension.id);
    },

    appendExtensionLog({ id, lines }) {
      const log = get().extensionLog;
      set({ extensionLog: { ...log, [id]: keepLast(log[id] ?? [], lines, LOG_KEEP) } });
    },

    noteExtensionEvents(events) {
      const byExt = new Map<string, AuditEventView[]>();
      for (const e of events) {
        const list = byExt.get(e.ext) ?? [];
        list.push(e);
        byExt.set(e.ext, list);
      }
      const current = get().extensionEvents;
      const next = { ...current };
      for (const [ext, list] of byExt) {
        const last = current[ext]?.at(-1)?.seq ?? -1;
        next[ext] = keepLast(
          current[ext] ?? [],
          list.filter((e) => e.seq > last),
          EVENTS_KEEP,
        );
      }
      set({ extensionEvents: next });
    },

    enableExtension: (id, liftQuarantine = false) =>
      act(id, () => client.extensions.enable({ id, liftQuarantine })),
    disableExtension: (id) => act(id, () => client.extensions.disable({ id })),
    restartExtension: (id) => act(id, () => client.extensions.restart({ id })),
    stopExtension: (id) => act(id, () => client.extensions.stop({ id })),
    quarantineExtension: (id, reason) =>
      act(id, () => client.extensions.quarantine({ id, reason })),
    rollbackExtension: (id) => act(id, () => client.extensions.rollback({ id })),

    async uninstallExtension(id, keepData) {
      const result = await client.extensions.uninstall({ id, keepData });
      if (result.ok) remove(id);
      return errorOf(result);
    },

    revokeGrant: (id, rule) => grantAction(() => client.grants.revoke({ id, rule })),
    restoreGrant: (id, rule) => grantAction(() => client.grants.restore({ id, rule })),
  };
};
