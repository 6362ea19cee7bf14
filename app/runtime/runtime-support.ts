// What a runtime needs besides the extension's own folder: the Python SDK (one file, bound
// read-only and put on PYTHONPATH, so `import corral_sdk` works without vendoring it).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Manifest } from '../policy/manifest.ts';

export interface RuntimeSupport {
  readOnly: string[];
  env: Record<string, string>;
}

/** The Python SDK folder: dist/python-sdk beside the bundle, or sdk/python in a checkout. */
export function pythonSdkDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, 'python-sdk'), join(here, '..', '..', 'sdk', 'python')]) {
    if (existsSync(join(candidate, 'corral_sdk.py'))) return candidate;
  }
  return null;
}

export function runtimeSupport(runtime: Manifest['runtime']): RuntimeSupport {
  if (runtime !== 'python') return { readOnly: [], env: {} };
  const sdk = pythonSdkDir();
  return sdk ? { readOnly: [sdk], env: { PYTHONPATH: sdk } } : { readOnly: [], env: {} };
}
