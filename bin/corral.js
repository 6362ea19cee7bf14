#!/usr/bin/env node
// The `corral` command: loads the bundled CLI that `npm install` built.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/corral.cjs', import.meta.url).pathname;
if (!existsSync(bundle)) {
  process.stderr.write(`corral: ${bundle} is missing; run "npm install" (or "npm run build") in the repository first.\n`);
  process.exit(125);
}
createRequire(import.meta.url)(bundle);
