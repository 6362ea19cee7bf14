// What a runtime needs besides the extension's own folder: the Python SDK (one file, bound
// read-only and put on PYTHONPATH, so `import corral_sdk` works without vendoring it), and, for
// the node runtime inside the desktop app, the Electron binary run as Node (contracts §1).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { currentLayout, type AppLayout } from '../platform/app-layout.ts';
import type { Manifest } from '../policy/manifest.ts';

export interface RuntimeSupport {
  readOnly: string[];
  env: Record<string, string>;
}

/** Where the Python SDK may be, most specific first. */
export function pythonSdkCandidates(layout: AppLayout): string[] {
  return [
    // The packaged desktop app: resources/python-sdk, a real folder the sandbox can bind.
    ...(layout.resourcesDir ? [join(layout.resourcesDir, 'python-sdk')] : []),
    join(layout.moduleDir, 'python-sdk'), // dist/python-sdk beside the bundle
    join(layout.moduleDir, '..', '..', 'sdk', 'python'), // a checkout (app/runtime/)
  ];
}

/** The Python SDK folder, or null when none is found. */
export function pythonSdkDir(layout: AppLayout = currentLayout(import.meta.url)): string | null {
  for (const candidate of pythonSdkCandidates(layout)) {
    if (existsSync(join(candidate, 'corral_sdk.py'))) return candidate;
  }
  return null;
}

/** What the host's own runtime is, for the node runtime. */
export interface HostRuntime {
  execPath: string;
  /** process.versions.electron: set when the host is the desktop app. */
  electron: string | undefined;
}

/**
 * What the node runtime needs from the host. Under Node, nothing. Under Electron, the binary
 * runs as plain Node only with ELECTRON_RUN_AS_NODE=1 (the RunAsNode fuse stays on for this; see
 * docs/security.md, "Fuses"), and reads its V8 snapshot, ICU data and bundled libraries from its
 * own folder, which is therefore bound read-only.
 */
export function nodeRuntimeSupport(
  host: HostRuntime = { execPath: process.execPath, electron: process.versions.electron },
): RuntimeSupport {
  if (host.electron === undefined) return { readOnly: [], env: {} };
  return { readOnly: [dirname(host.execPath)], env: { ELECTRON_RUN_AS_NODE: '1' } };
}

export function runtimeSupport(runtime: Manifest['runtime']): RuntimeSupport {
  if (runtime === 'node') return nodeRuntimeSupport();
  if (runtime !== 'python') return { readOnly: [], env: {} };
  const sdk = pythonSdkDir();
  return sdk ? { readOnly: [sdk], env: { PYTHONPATH: sdk } } : { readOnly: [], env: {} };
}
