// Finds a file Corral ships beside its CLI: in dist/ next to the bundle (or the start-up snapshot
// it was run from), or, running from source, in the checkout's own build output.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The first usable path among `name` beside the running CLI and `checkout` (paths relative to the
 * repository root, for a run from source), or null when none is.
 */
export function findInstalled(
  name: string,
  checkout: readonly string[],
  usable: (path: string) => boolean = existsSync,
): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  // Started from the snapshot, import.meta.url is where the snapshot was built; the blob's own
  // location is the truth.
  const blobAt = process.execArgv.indexOf('--snapshot-blob');
  const blob = blobAt === -1 ? undefined : process.execArgv[blobAt + 1];
  const repo = join(here, '..', '..'); // app/platform/ in a checkout
  const candidates = [
    ...(blob ? [join(dirname(blob), name)] : []),
    join(here, name), // dist/corral.cjs and dist/NAME side by side
    ...checkout.map((path) => join(repo, path)),
  ];
  return candidates.find((path) => usable(path)) ?? null;
}
