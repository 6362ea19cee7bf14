// Finds the corral-sandbox binary: in the packaged app's resources folder, beside the bundled CLI
// (dist/), or the build output in a checkout.
import { accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import { currentLayout, type AppLayout } from '../platform/app-layout.ts';

/** Where the helper may be, most specific first. */
export function helperCandidates(layout: AppLayout): string[] {
  const here = layout.moduleDir;
  return [
    // The packaged desktop app: resources/corral-sandbox, outside app.asar (it must be executable).
    ...(layout.resourcesDir ? [join(layout.resourcesDir, 'corral-sandbox')] : []),
    ...(layout.snapshotBlob ? [join(dirname(layout.snapshotBlob), 'corral-sandbox')] : []),
    join(here, 'corral-sandbox'), // dist/corral.cjs and dist/corral-sandbox side by side
    join(here, '..', '..', 'dist', 'corral-sandbox'), // running from source (app/sandbox/)
    join(here, '..', '..', 'sandbox-helper', 'build', 'corral-sandbox'),
  ];
}

/** Path of the helper, or null when it has not been built. */
export function findHelper(layout: AppLayout = currentLayout(import.meta.url)): string | null {
  for (const candidate of helperCandidates(layout)) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next place
    }
  }
  return null;
}

/**
 * The environment the helper runs with: nothing of ours, but the test switch
 * CORRAL_SANDBOX_LANDLOCK_ABI, which makes it behave as on an older Landlock (never a newer one).
 */
export function helperEnv(): Record<string, string> {
  const older = process.env.CORRAL_SANDBOX_LANDLOCK_ABI;
  return older === undefined ? {} : { CORRAL_SANDBOX_LANDLOCK_ABI: older };
}
