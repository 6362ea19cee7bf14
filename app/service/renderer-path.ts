// Finds the built window (dist/renderer: index.html and its assets): in the packaged app's
// resources, beside the bundled CLI, or in the checkout when running from source.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findInstalled } from '../platform/installed-file.ts';

/** The folder holding the built renderer's index.html, or null when it has not been built. */
export function findRendererDir(): string | null {
  return findInstalled('renderer', ['dist/renderer'], (dir) => existsSync(join(dir, 'index.html')));
}
