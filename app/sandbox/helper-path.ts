// Finds the corral-sandbox binary: beside the bundled CLI (dist/), or the build output in a checkout.
import { accessSync, constants } from 'node:fs';
import { findInstalled } from '../platform/installed-file.ts';

/** Path of the helper, or null when it has not been built. */
export function findHelper(): string | null {
  return findInstalled(
    'corral-sandbox',
    ['dist/corral-sandbox', 'sandbox-helper/build/corral-sandbox'],
    (path) => {
      try {
        accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
  );
}

/** The environment the helper runs with: nothing of ours (it reads no variable). */
export const HELPER_ENV: Readonly<Record<string, string>> = Object.freeze({});
