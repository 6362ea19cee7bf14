#!/usr/bin/env node
// Builds the CLI into one self-contained file (fast start, easy to stage for other users) and
// puts the sandbox helper beside it, where the CLI looks for it.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
mkdirSync(`${root}dist`, { recursive: true });
await build({
  entryPoints: [`${root}app/cli/entry.ts`],
  outfile: `${root}dist/corral.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  // Sources are ES modules; in the CommonJS bundle import.meta.url means this file.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
copyFileSync(`${root}sandbox-helper/build/corral-sandbox`, `${root}dist/corral-sandbox`);
chmodSync(`${root}dist/corral-sandbox`, 0o755);
