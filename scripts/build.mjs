#!/usr/bin/env node
// Builds the CLI into one self-contained file (fast start, easy to stage for other users) and puts the sandbox helper, the Python SDK, the Node SDK's package and
// the extension templates beside them, where the CLI looks for them; then bundles each example
// extension into the `main` its manifest names, and the renderer (vite.config.ts) into
// dist/renderer/.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = `${root}dist`;
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  // Sources are ES modules; in the CommonJS bundle import.meta.url means this file.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Native modules cannot be bundled: the audit store and the terminal require them from
  // node_modules at run time.
  external: ['better-sqlite3', 'node-pty'],
};
await build({
  ...common,
  entryPoints: [`${root}app/cli/entry.ts`],
  outfile: `${dist}/corral.cjs`,
  sourcemap: 'linked',
});

copyFileSync(`${root}sandbox-helper/build/corral-sandbox`, `${dist}/corral-sandbox`);
chmodSync(`${dist}/corral-sandbox`, 0o755);

// The fd-passing addon (native/fd-passing), built like node-pty: node-gyp against this Node's own
// headers (npm's nodedir, else the include/ folder of this Node's installation), N-API only.
const addon = `${root}native/fd-passing`;
const gyp =
  process.env.npm_config_node_gyp ??
  createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const nodedir = process.env.npm_config_nodedir ?? join(dirname(process.execPath), '..');
const runGyp = (...args) =>
  execFileSync(process.execPath, [gyp, ...args, `--nodedir=${nodedir}`, '--loglevel=error'], {
    cwd: addon,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
if (!existsSync(`${addon}/build/Makefile`)) runGyp('configure');
runGyp('build');
copyFileSync(`${addon}/build/Release/fd_passing.node`, `${dist}/fd-passing.node`);
// app/runtime/runtime-support.ts looks for the Python SDK here first (bound read-only into the
// sandbox and put on PYTHONPATH).
mkdirSync(`${dist}/python-sdk`, { recursive: true });
copyFileSync(`${root}sdk/python/corral_sdk.py`, `${dist}/python-sdk/corral_sdk.py`);

// @corral/sdk as a package (sdk/node/build.mjs), and beside the CLI the package and the templates
// `corral new` copies (app/author/sdk-package.ts and scaffold.ts look for them here first).
execFileSync(process.execPath, [`${root}sdk/node/build.mjs`], { stdio: 'inherit' });
rmSync(`${dist}/sdk-node`, { recursive: true, force: true });
mkdirSync(`${dist}/sdk-node`, { recursive: true });
for (const name of ['package.json', 'README.md', 'dist'])
  cpSync(`${root}sdk/node/${name}`, `${dist}/sdk-node/${name}`, { recursive: true });
rmSync(`${dist}/templates`, { recursive: true, force: true });
cpSync(`${root}templates`, `${dist}/templates`, { recursive: true });

// Example extensions written in TypeScript: examples/NAME/src/index.ts becomes
// examples/NAME/dist/index.cjs, one file with the SDK and zod inside: the package needs nothing else.
const examples = `${root}examples`;
for (const name of readdirSync(examples).sort()) {
  const entry = `${examples}/${name}/src/index.ts`;
  if (!existsSync(entry)) continue;
  await build({ ...common, entryPoints: [entry], outfile: `${examples}/${name}/dist/index.cjs` });
}

// Left by builds that made a start-up snapshot (dropped: it cost as much to read as it saved).
rmSync(`${dist}/corral.blob`, { force: true });
rmSync(`${dist}/corral-snapshot.cjs`, { force: true });

// The renderer: index.html and hashed assets, loaded by the desktop window and corral serve alike.
await viteBuild({ configFile: `${root}vite.config.ts`, logLevel: 'warn' });
