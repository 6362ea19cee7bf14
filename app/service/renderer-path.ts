// Finds the built window (dist/renderer: index.html and its assets): beside the bundled CLI, or in
// the checkout when running from source.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding the built renderer's index.html, or null when it has not been built. */
export function findRendererDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const blobAt = process.execArgv.indexOf('--snapshot-blob');
  const blob = blobAt === -1 ? undefined : process.execArgv[blobAt + 1];
  const candidates = [
    ...(blob ? [join(dirname(blob), 'renderer')] : []),
    join(here, 'renderer'), // dist/corral.cjs and dist/renderer side by side
    join(here, '..', '..', 'dist', 'renderer'), // running from source (app/service/)
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}
