// Where Corral keeps its own files (XDG base directories on Linux).
import { join } from 'node:path';

/** $XDG_DATA_HOME/corral (~/.local/share/corral): extension data and installed extensions. */
export function corralDataDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_DATA_HOME || join(home(env), '.local', 'share'), 'corral');
}

/** $XDG_STATE_HOME/corral (~/.local/state/corral): logs. */
export function corralStateDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_STATE_HOME || join(home(env), '.local', 'state'), 'corral');
}

/** The audit log `corral run` appends to unless --audit names another file. */
export function defaultAuditLog(env: NodeJS.ProcessEnv): string {
  return join(corralStateDir(env), 'audit.jsonl');
}

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || '/nonexistent';
}
