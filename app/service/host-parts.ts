// What the contract handlers of one host work with: the services root, the running extensions,
// the questions, the settings and the event hub, plus the views they share.
import type {
  DoctorReportView,
  ExtensionSummary,
  ResourceUse,
  Settings,
} from '../contract/index.ts';
import type { DeniedAlwaysList } from './denied-always.ts';
import type { DevDesk } from './dev/dev-desk.ts';
import type { EventHub } from './event-hub.ts';
import type { ExtensionFleet } from './extension-fleet.ts';
import type { PromptCenter } from './prompt-center.ts';
import type { Services } from './services.ts';
import type { SettingsStore } from './settings.ts';

export interface HostParts {
  services: Services;
  fleet: ExtensionFleet;
  prompts: PromptCenter;
  deniedAlways: DeniedAlwaysList;
  settings: SettingsStore;
  hub: EventHub;
  /** The debug sessions (dev.*). */
  dev: DevDesk;
  shell: 'serve' | 'electron';
  hostVersion: string;
  /** The Extensions view's row for an installed extension. */
  summary(id: string): ExtensionSummary;
  /** Tells every UI that `id` changed (state, version, grants). */
  changed(id: string): void;
  /** Resource use of the running extensions. */
  resources(): { id: string; use: ResourceUse }[];
  /** `corral doctor` for the UI. */
  doctor(): DoctorReportView;
  /** The settings changed (retention is applied at once). */
  settingsChanged(settings: Settings): void;
  /** Runs `fn` when the host closes. */
  onClose(fn: () => void): void;
}
