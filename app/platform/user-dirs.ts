// Where ${home}, ${documents} and ${downloads} are on this machine: XDG user-dirs on Linux
// (user-dirs.dirs, see xdg-user-dir(1)), the usual folders on macOS.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { normalizeAbsolutePath } from '../policy/paths.ts';
import type { PathVariables } from '../policy/variables.ts';

export interface UserDirectories {
  home: string;
  documents: string;
  downloads: string;
}

/**
 * The user's home, documents and downloads folders. On Linux the XDG user-dirs file wins, then
 * the XDG_*_DIR variables, then ~/Documents and ~/Downloads; a folder "disabled" by pointing it at
 * $HOME itself also falls back, so ${documents} can never silently mean the whole home.
 */
export function userDirectories(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  readText: (path: string) => string | null = readIfPresent,
): UserDirectories {
  const home = normalizeAbsolutePath(env.HOME ?? '') ?? normalizeAbsolutePath(homedir()) ?? '/';
  const fallback = { home, documents: join(home, 'Documents'), downloads: join(home, 'Downloads') };
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return fallback;
  const configHome = normalizeAbsolutePath(env.XDG_CONFIG_HOME ?? '') ?? join(home, '.config');
  const text = readText(join(configHome, 'user-dirs.dirs'));
  const fromFile = text === null ? {} : parseUserDirs(text, home);
  const pick = (name: 'XDG_DOCUMENTS_DIR' | 'XDG_DOWNLOAD_DIR', fallbackDir: string) =>
    fromFile[name] ?? userDirValue(env[name] ?? '', home) ?? fallbackDir;
  return {
    home,
    documents: pick('XDG_DOCUMENTS_DIR', fallback.documents),
    downloads: pick('XDG_DOWNLOAD_DIR', fallback.downloads),
  };
}

/** The XDG_*_DIR entries of a user-dirs.dirs file, expanded and normalised. */
export function parseUserDirs(text: string, home: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(XDG_[A-Z]+_DIR)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(line);
    if (!m) continue;
    const value = userDirValue(m[2]!.replace(/\\(.)/g, '$1'), home);
    if (value !== null) out[m[1]!] = value;
  }
  return out;
}

/** "$HOME/Documents" or an absolute path → a normalised path; home itself or junk → null. */
function userDirValue(raw: string, home: string): string | null {
  let value = raw;
  if (value === '$HOME' || value.startsWith('$HOME/')) value = home + value.slice(5);
  else if (value.startsWith('${HOME}')) value = home + value.slice(7);
  const path = normalizeAbsolutePath(value);
  if (path === null || path === home || path === '/') return null;
  return path;
}

/** All path variables for one run: the user's folders plus the launcher's own three. */
export function pathVariables(options: {
  workspace: string | null;
  extensionData: string;
  tmp: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}): PathVariables {
  const dirs = userDirectories(options.env, options.platform);
  return {
    ...dirs,
    workspace: options.workspace,
    extensionData: options.extensionData,
    tmp: options.tmp,
  };
}

function readIfPresent(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
