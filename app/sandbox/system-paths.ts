// The read-only slice of the host that every sandboxed runtime needs: system folders, the
// dynamic loader's cache and a few harmless /etc files. Never /etc/shadow, never anything of $HOME.
import { lstatSync, readlinkSync } from 'node:fs';

/** Folders and files bound read-only when they exist. Chosen, not discovered: nothing else of /etc. */
export const SYSTEM_PATHS = [
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
  '/etc/localtime',
  '/etc/nsswitch.conf',
  '/etc/passwd',
  '/etc/group',
  '/etc/hosts',
  '/etc/ssl/certs',
  // Node's OpenSSL reads it at start-up: missing is fine, but unreadable (reduced mode) is fatal.
  '/etc/ssl/openssl.cnf',
  // The same for git's system configuration.
  '/etc/gitconfig',
  '/etc/ca-certificates',
] as const;

export interface SystemView {
  mounts: { path: string; access: 'ro' }[];
  symlinks: { path: string; target: string }[];
}

/**
 * What of SYSTEM_PATHS exists on this host: real folders and files become read-only binds,
 * symlinks (merged /usr: /bin -> usr/bin) are recreated as the same symlinks.
 */
export function systemView(paths: readonly string[] = SYSTEM_PATHS): SystemView {
  const view: SystemView = { mounts: [], symlinks: [] };
  for (const path of paths) {
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      continue; // absent on this distribution (e.g. /lib32): nothing to expose
    }
    if (stat.isSymbolicLink()) {
      // Recreated as a link, never followed: a bind would follow it to wherever it points today.
      view.symlinks.push({ path, target: readlinkSync(path) });
    } else if (stat.isDirectory() || stat.isFile()) {
      view.mounts.push({ path, access: 'ro' });
    }
  }
  return view;
}
