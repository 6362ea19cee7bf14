// The renderer's one store, built from typed slices, created per app instance (each test gets a
// fresh one), and connected to the host only through the typed contract client.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CorralClient } from '../../../app/contract/index.ts';
import type { HostConnection } from '../transport/host-connection.ts';
import { createAuditSlice, type AuditSlice } from './audit-slice.ts';
import type { AuditEventView } from './audit-window.ts';
import { createCommandsSlice, type CommandsSlice } from './commands-slice.ts';
import { createDashboardSlice, type DashboardSlice } from './dashboard-slice.ts';
import { createDevSlice, type DevSlice } from './dev-slice.ts';
import { createExtensionsSlice, type ExtensionsSlice } from './extensions-slice.ts';
import { frameBatch } from './frame-batch.ts';
import { createInstallSlice, type InstallSlice } from './install-slice.ts';
import { createPromptsSlice, type PromptsSlice } from './prompts-slice.ts';
import { createSessionSlice, type SessionSlice } from './session-slice.ts';
import { createSettingsSlice, type SettingsSlice } from './settings-slice.ts';

export type CorralState = SessionSlice &
  ExtensionsSlice &
  InstallSlice &
  PromptsSlice &
  AuditSlice &
  DashboardSlice &
  SettingsSlice &
  CommandsSlice &
  DevSlice;

export type CorralStore = StoreApi<CorralState>;

/** A new store whose actions call `client`. */
export function createCorralStore(client: CorralClient): CorralStore {
  return createStore<CorralState>()((set, get) => {
    const deps = { set, get, client };
    return {
      ...createSessionSlice(deps),
      ...createExtensionsSlice(deps),
      ...createInstallSlice(deps),
      ...createPromptsSlice(deps),
      ...createAuditSlice(deps),
      ...createDashboardSlice(deps),
      ...createSettingsSlice(deps),
      ...createCommandsSlice(deps),
      ...createDevSlice(deps),
    };
  });
}

/**
 * Feeds the host's events into the store and starts the session whenever the connection opens
 * (the first time, and again after each reconnect). Audit events are applied once per animation
 * frame, all batches that arrived since the last one together, so a flood redraws the window at
 * most once a frame. Returns the function that stops it.
 */
export function connectStore(
  store: CorralStore,
  client: CorralClient,
  connection: HostConnection,
): () => void {
  const s = store.getState();
  const audit = frameBatch<AuditEventView>((events) => {
    s.receiveAuditEvents(events);
    s.noteExtensionEvents(events);
    s.countDenials(events);
  });
  const offs = [
    client.onAuditEvents(({ events }) => audit.push(events)),
    audit.cancel,
    client.onPrompt(s.receivePrompt),
    client.onPromptClosed(s.closePrompt),
    client.onExtensionState(s.applyExtensionState),
    client.onExtensionLog(s.appendExtensionLog),
    client.onMetrics(s.receiveMetrics),
    client.onAlert(s.receiveAlert),
    client.onDevState(s.receiveDevState),
    client.onDevOutput(s.receiveDevOutput),
    client.onDevLog(s.receiveDevLog),
    client.onDevQuestion(s.receiveDevQuestion),
  ];
  const follow = (status: ReturnType<HostConnection['status']>) => {
    const was = store.getState().connection.state;
    s.setConnection(status);
    if (status.state === 'open' && was !== 'open') void s.start();
  };
  offs.push(connection.onStatus(follow));
  follow(connection.status());
  return () => offs.forEach((off) => off());
}
