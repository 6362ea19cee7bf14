// Finds a file Corral ships: in the packaged desktop app's resources folder (outside app.asar),
// beside the bundled CLI (dist/), or, running from source, in the
// checkout's own build output. One list of places for the helper, the window, the addons.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { currentLayout, type AppLayout } from './app-layout.ts';

/**
 * Where `name` may be, most specific first; `checkout` lists paths relative to the repository
 * root for a run from source.
 */
export function installedCandidates(
  name: string,
  checkout: readonly string[],
  layout: AppLayout = currentLayout(import.meta.url),
): string[] {
  const here = layout.moduleDir;
  const repo = join(here, '..', '..'); // app/<layer>/ in a checkout
  return [
    ...(layout.resourcesDir ? [join(layout.resourcesDir, name)] : []),
    join(here, name), // dist/corral.cjs and dist/NAME side by side
    ...checkout.map((path) => join(repo, path)),
  ];
}

/** The first usable place of `name` (see installedCandidates), or null when none is. */
export function findInstalled(
  name: string,
  checkout: readonly string[],
  usable: (path: string) => boolean = existsSync,
  layout: AppLayout = currentLayout(import.meta.url),
): string | null {
  return installedCandidates(name, checkout, layout).find((path) => usable(path)) ?? null;
}
