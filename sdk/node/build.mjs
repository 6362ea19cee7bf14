#!/usr/bin/env node
// Builds @corral/sdk as a package an author installs from a folder or a tarball: dist/index.js
// (ES module) and dist/index.cjs (CommonJS), each with the protocol's schemas and zod inside, and
// dist/*.d.ts, the public types with nothing outside the package. zod is bundled rather than a
// dependency: an extension ships its node_modules or a bundle either way, and zod's package is
// 5.8 MB on disk against ~290 KB of it minified in each file; nothing to fetch, and exactly the zod
// the host's schemas were written for.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..', '..');
const dist = join(here, 'dist');
mkdirSync(dist, { recursive: true });

const common = {
  entryPoints: [join(here, 'src/index.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Minified for size, names kept so that stack traces through the SDK stay readable.
  minify: true,
  keepNames: true,
  legalComments: 'eof',
  logLevel: 'warning',
};
await build({ ...common, format: 'esm', outfile: join(dist, 'index.js') });
await build({ ...common, format: 'cjs', outfile: join(dist, 'index.cjs') });

// The declarations only change with the sources they come from; tsc takes a while, so skip it
// when every .d.ts is newer than every source of the SDK, the protocol and the policy.
const sources = ['sdk/node/src', 'app/protocol', 'app/policy'].flatMap((d) =>
  readdirSync(join(root, d)).map((f) => join(root, d, f)),
);
const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
const declared = join(dist, 'index.d.ts');
if (!existsSync(declared) || statSync(declared).mtimeMs < newest) {
  const out = join(here, 'build', 'types');
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(here, 'tsconfig.build.json')],
    { stdio: 'inherit' },
  );
  // The public files: index, client, errors, codes, types (connection is internal).
  for (const name of ['index', 'client', 'errors', 'codes', 'types']) {
    const text = readFileSync(join(out, 'sdk/node/src', `${name}.d.ts`), 'utf8');
    if (/from '\.\.\//.test(text))
      throw new Error(`sdk/node: ${name}.d.ts reaches outside the package; type it in types.ts`);
    // One set for import (./x.js) and one for require (./x.cjs), as TypeScript resolves each.
    writeFileSync(join(dist, `${name}.d.ts`), text.replace(/(from '\.\/[a-z-]+)\.ts'/g, "$1.js'"));
    writeFileSync(
      join(dist, `${name}.d.cts`),
      text.replace(/(from '\.\/[a-z-]+)\.ts'/g, "$1.cjs'"),
    );
  }
  rmSync(join(here, 'build'), { recursive: true, force: true });
}
