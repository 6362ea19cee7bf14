// Finds the corral-sandbox binary: beside the bundled CLI (dist/), or the build output in a checkout.
import { accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Path of the helper, or null when it has not been built. */
export function findHelper(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  // Started from the snapshot, import.meta.url is where the snapshot was built; the blob's own
  // location is the truth.
  const blobAt = process.execArgv.indexOf('--snapshot-blob');
  const blob = blobAt === -1 ? undefined : process.execArgv[blobAt + 1];
  const candidates = [
    ...(blob ? [join(dirname(blob), 'corral-sandbox')] : []),
    join(here, 'corral-sandbox'), // dist/corral.cjs and dist/corral-sandbox side by side
    join(here, '..', '..', 'dist', 'corral-sandbox'), // running from source (app/sandbox/)
    join(here, '..', '..', 'sandbox-helper', 'build', 'corral-sandbox'),
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next place
    }
  }
  return null;
}

/** The environment the helper runs with: nothing of ours (it reads no variable). */
export const HELPER_ENV: Readonly<Record<string, string>> = Object.freeze({});
