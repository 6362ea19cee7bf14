// The user's settings (the UI contract's settingsSchema): whether unsigned packages are refused
// (kept by the extension manager, where `corral trust require` sets it too), and the host's own
// (prompt timeout, audit retention, running in the background) in a small JSON file beside it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
// entities.ts rather than the contract's index: `corral serve` reads the settings before it loads
// the rest of the contract (host-state.ts).
import { settingsSchema, type Settings } from '../contract/entities.ts';
import type { ExtensionManager } from '../manager/manager.ts';
import { corralDataDir } from '../platform/corral-dirs.ts';

const hostSettingsSchema = settingsSchema.omit({ requireSignatures: true });
type HostSettings = z.infer<typeof hostSettingsSchema>;

/** Until the user changes them: questions wait a minute, the log is kept, nothing in the background. */
export const DEFAULT_SETTINGS: HostSettings = {
  promptTimeoutSeconds: 60,
  auditRetentionDays: 0,
  keepRunningInBackground: false,
};

/** The settings file cannot be read or written; the message names it and the fix. */
export class SettingsError extends Error {}

export interface SettingsStore {
  get(): Settings;
  /** Applies `change` (already checked against the contract) and returns the whole settings. */
  set(change: Partial<Settings>): Settings;
}

/** The settings of this user: $XDG_DATA_HOME/corral/settings.json and the manager's flag. */
export function openSettings(
  env: NodeJS.ProcessEnv,
  manager: () => ExtensionManager,
): SettingsStore {
  const path = join(corralDataDir(env), 'settings.json');
  const readHost = (): HostSettings => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_SETTINGS;
      throw new SettingsError(`cannot read ${path} (${(e as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new SettingsError(
        `${path} is not JSON (${(e as Error).message}); fix: correct it, or delete it to start from the defaults`,
      );
    }
    const parsed = hostSettingsSchema.partial().strict().safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      throw new SettingsError(
        `${path} does not hold Corral's settings (${where}${issue?.message}); fix: correct it, or delete it to start from the defaults`,
      );
    }
    return { ...DEFAULT_SETTINGS, ...parsed.data };
  };
  const store: SettingsStore = {
    get: () => ({ ...readHost(), requireSignatures: manager().requireSigned() }),
    set(change) {
      const { requireSignatures, ...host } = change;
      if (requireSignatures !== undefined) manager().setRequireSigned(requireSignatures);
      if (Object.keys(host).length > 0) {
        const next = { ...readHost(), ...host };
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
        renameSync(tmp, path);
      }
      return store.get();
    },
  };
  return store;
}
