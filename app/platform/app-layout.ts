// Where Corral's own files lie. In a checkout or beside the CLI bundle they are found next to the
// code; in the packaged desktop app the code sits inside app.asar and the files that must be real
// (the sandbox helper, which is executed, and the Python SDK, which the sandbox binds) lie in the
// app's resources folder, outside the archive (electron-builder.yml, extraResources).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where to look for Corral's files, from the running process. */
export interface AppLayout {
  /** The folder of the module asking (import.meta.url's folder). */
  moduleDir: string;
  /** Electron's process.resourcesPath, or null outside Electron. */
  resourcesDir: string | null;
}

/** The layout of this process, as seen from the module at `moduleUrl`. */
export function currentLayout(moduleUrl: string): AppLayout {
  // Declared by Electron alone; electron.d.ts types it as always present, so read it as unknown.
  const resources: unknown = (process as { resourcesPath?: unknown }).resourcesPath;
  return {
    moduleDir: dirname(fileURLToPath(moduleUrl)),
    resourcesDir: typeof resources === 'string' && resources !== '' ? resources : null,
  };
}
