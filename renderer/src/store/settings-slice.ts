// Settings, trusted publisher keys and the "Deny always" answers: each change is sent to the host
// and the host's answer replaces what is shown.
import type {
  DeniedAlways,
  MethodInput,
  Settings,
  TrustedKeyView,
} from '../../../app/contract/index.ts';
import { errorOf, type ActionError, type SliceFactory } from './slice.ts';

export interface SettingsSlice {
  settings: Settings | null;
  settingsError: string | null;
  trustedKeys: TrustedKeyView[];
  deniedAlways: DeniedAlways[];
  loadSettings(): Promise<ActionError>;
  saveSettings(patch: MethodInput<'settings.set'>): Promise<ActionError>;
  addTrustedKey(publisher: string, publicKeyPem: string): Promise<ActionError>;
  removeTrustedKey(keyId: string): Promise<ActionError>;
  resetDeniedAlways(ext: string, rule: string): Promise<ActionError>;
}

export const createSettingsSlice: SliceFactory<SettingsSlice> = ({ set, client }) => ({
  settings: null,
  settingsError: null,
  trustedKeys: [],
  deniedAlways: [],

  async loadSettings() {
    const [settings, keys, denied] = await Promise.all([
      client.settings.get({}),
      client.trust.list({}),
      client.grants.listDeniedAlways({}),
    ]);
    if (settings.ok) set({ settings: settings.value });
    if (keys.ok) set({ trustedKeys: keys.value });
    if (denied.ok) set({ deniedAlways: denied.value });
    const error = errorOf(settings) ?? errorOf(keys) ?? errorOf(denied);
    set({ settingsError: error });
    return error;
  },

  async saveSettings(patch) {
    const result = await client.settings.set(patch);
    if (result.ok) set({ settings: result.value });
    return errorOf(result);
  },

  async addTrustedKey(publisher, publicKeyPem) {
    const result = await client.trust.add({ publisher, publicKeyPem });
    if (result.ok) set({ trustedKeys: result.value });
    return errorOf(result);
  },

  async removeTrustedKey(keyId) {
    const result = await client.trust.remove({ keyId });
    if (result.ok) set({ trustedKeys: result.value });
    return errorOf(result);
  },

  async resetDeniedAlways(ext, rule) {
    const result = await client.grants.resetDeniedAlways({ ext, rule });
    if (result.ok) set({ deniedAlways: result.value });
    return errorOf(result);
  },
});
