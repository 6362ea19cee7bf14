// Where Corral keeps its own files (XDG base directories on Linux).
import { join } from 'node:path';

/** $XDG_DATA_HOME/corral (~/.local/share/corral): extension data and installed extensions. */
export function corralDataDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_DATA_HOME || join(home(env), '.local', 'share'), 'corral');
}

/** Installed extensions, one folder per version: extensions/ID/VERSION (app/manager). */
export function extensionsDir(env: NodeJS.ProcessEnv): string {
  return join(corralDataDir(env), 'extensions');
}

/** An extension's private data folder, ${extensionData}; kept by `corral uninstall --keep-data`. */
export function extensionDataDir(env: NodeJS.ProcessEnv, id: string): string {
  return join(corralDataDir(env), 'data', id);
}

/** The extension manager's state (SQLite): extensions, grants, consents, trusted keys, settings. */
export function managerStateFile(env: NodeJS.ProcessEnv): string {
  return join(corralDataDir(env), 'extensions.db');
}

/** $XDG_STATE_HOME/corral (~/.local/state/corral): logs. */
export function corralStateDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_STATE_HOME || join(home(env), '.local', 'state'), 'corral');
}

/** $XDG_STATE_HOME/corral/audit.db: the audit store `corral run` writes and `corral log` reads. */
export function defaultAuditStore(env: NodeJS.ProcessEnv): string {
  return join(corralStateDir(env), 'audit.db');
}

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || '/nonexistent';
}
