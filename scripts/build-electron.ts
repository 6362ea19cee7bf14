// Builds the desktop app into dist/electron/: main as one CommonJS bundle for Electron's Node
// (electron and the native modules stay external), the preload as one CommonJS file (a
// sandboxed preload cannot be an ES module nor require anything but electron), and the icon the
// packages use. The preload gets the contract's method and event names as constants. electron-builder.yml packs dist/electron and dist/renderer into app.asar.
import { build, type BuildOptions } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { EVENT_NAMES, METHOD_NAMES } from '../app/contract/index.ts';
import { iconPng } from '../main/icon.ts';

const root = new URL('..', import.meta.url).pathname;
const out = `${root}dist/electron`;
mkdirSync(out, { recursive: true });

const common: BuildOptions = {
  bundle: true,
  format: 'cjs',
  logLevel: 'warning',
  sourcemap: 'linked',
};

await build({
  ...common,
  entryPoints: [`${root}main/index.ts`],
  outfile: `${out}/main.cjs`,
  platform: 'node',
  // Electron 45 runs Node 22.
  target: 'node22',
  // Sources are ES modules; in the CommonJS bundle import.meta.url means this file.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Native modules load from node_modules (unpacked beside app.asar); electron is the runtime's.
  external: ['electron', 'better-sqlite3', 'node-pty'],
});

await build({
  ...common,
  entryPoints: [`${root}preload/index.ts`],
  outfile: `${out}/preload.cjs`,
  // The preload runs in the sandboxed renderer (Chromium 142 in Electron 45), not in Node.
  platform: 'browser',
  target: 'chrome140',
  external: ['electron'],
  // The names, not the schemas: the preload stays a few lines of forwarding.
  define: {
    CORRAL_METHOD_NAMES: JSON.stringify(METHOD_NAMES),
    CORRAL_EVENT_NAMES: JSON.stringify(EVENT_NAMES),
  },
});

writeFileSync(`${out}/icon.png`, iconPng(1024, false));
