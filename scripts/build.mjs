#!/usr/bin/env node
// Builds the CLI into one self-contained file (fast start, easy to stage for other users) and
// puts the sandbox helper beside it, where the CLI looks for it.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
mkdirSync(`${root}dist`, { recursive: true });
await build({
  entryPoints: [`${root}app/cli/main.ts`],
  outfile: `${root}dist/corral.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
copyFileSync(`${root}sandbox-helper/build/corral-sandbox`, `${root}dist/corral-sandbox`);
chmodSync(`${root}dist/corral-sandbox`, 0o755);
