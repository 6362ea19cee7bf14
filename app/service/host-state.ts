// What a host stands on: the services root, the audit store, the extension manager, the settings
// and the "Deny always" answers, opened first so that a host which cannot open them fails before
// it is offered to anyone (`corral serve` prints no address then). Light on purpose: it loads none
// of the running side (the fleet, the contract's handlers, the debug desk), which host.ts builds
// on top of it, and which `corral serve` loads only once its address is out (docs/startup.md).
import type { AuditStore } from '../audit/store.ts';
import type { Settings } from '../contract/entities.ts';
import { deniedAlwaysFile, type DeniedAlwaysList } from './denied-always.ts';
import { createServices, type Services } from './services.ts';
import { openSettings, type SettingsStore } from './settings.ts';

export interface HostOptions {
  env: NodeJS.ProcessEnv;
  shell: 'serve' | 'electron';
  /** The services root (default: this user's, built here). */
  services?: Services;
  /** The folder extensions see as ${workspace} (`corral serve --workspace`). */
  workspace?: string | null;
  /** Corral's version, as the UI shows it. */
  hostVersion?: string;
  /** Where the "Deny always" answers live (default: beside the extension state). */
  deniedAlways?: DeniedAlwaysList;
  /** How often resource use is pushed (default 1 s). */
  metricsIntervalMs?: number;
  idleStopMs?: number;
}

/** The opened state of one host, and the options it was opened with. */
export interface HostState {
  options: HostOptions;
  services: Services;
  store: AuditStore;
  deniedAlways: DeniedAlwaysList;
  settings: SettingsStore;
  /** The settings as they were read at the start. */
  initialSettings: Settings;
}

/** Opens the audit store, the extension state and the settings; errors are one line each. */
export function openHostState(o: HostOptions): HostState {
  const services = o.services ?? createServices({ env: o.env });
  const store = services.auditStore();
  services.manager();
  const deniedAlways = o.deniedAlways ?? deniedAlwaysFile(o.env);
  const settings = openSettings(o.env, () => services.manager());
  return {
    options: o,
    services,
    store,
    deniedAlways,
    settings,
    initialSettings: settings.get(),
  };
}
