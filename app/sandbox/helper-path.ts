// Finds the corral-sandbox binary: in the packaged app's resources folder, beside the bundled CLI
// (dist/), or the build output in a checkout.
import { accessSync, constants } from 'node:fs';
import { currentLayout, type AppLayout } from '../platform/app-layout.ts';
import { installedCandidates } from '../platform/installed-file.ts';

const CHECKOUT = ['dist/corral-sandbox', 'sandbox-helper/build/corral-sandbox'];

/** Where the helper may be, most specific first. */
export function helperCandidates(layout: AppLayout): string[] {
  return installedCandidates('corral-sandbox', CHECKOUT, layout);
}

/** Path of the helper, or null when it has not been built. */
export function findHelper(layout: AppLayout = currentLayout(import.meta.url)): string | null {
  return helperCandidates(layout).find(isExecutable) ?? null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The environment the helper runs with: nothing of ours (it reads no variable). */
export const HELPER_ENV: Readonly<Record<string, string>> = Object.freeze({});
