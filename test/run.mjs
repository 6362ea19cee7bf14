#!/usr/bin/env node
// Runs every test suite with node's own test runner. The sandbox suites run twice when we are
// root: once as root and once as the unprivileged user `nobody`, because "setuid-free" has to be
// proven, not assumed (CORRAL_TEST_AS tells the suites which user to drive the helper as). The
// renderer's component tests (test/unit/renderer/) need a DOM: vitest runs them, with the unit layer.
// The soak (test/soak) runs last and alone: it keeps both cores busy for a minute, which would
// starve the suites that time what they test.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const layers = ['unit', 'fuzz', 'sandbox', 'integration', 'e2e', 'soak'];
const only = process.argv.slice(2);

/** The renderer's tests, which vitest runs (vitest.config.ts). */
const rendererTests = join(root, 'test', 'unit', 'renderer');

function testFiles(dir) {
  let out = [];
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const full = join(dir, name);
    if (full === rendererTests) continue;
    if (statSync(full).isDirectory()) out = out.concat(testFiles(full));
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

function run(files, env) {
  if (files.length === 0) return 0;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
  );
  return r.status ?? 1;
}

const selected = layers.filter((l) => only.length === 0 || only.includes(l));
const files = selected.flatMap((l) => testFiles(join(root, 'test', l)));
const alone = (f) => f.startsWith('test/soak/');
let status = run(
  files.filter((f) => !alone(f)),
  { CORRAL_TEST_AS: 'self' },
);
if (selected.includes('unit')) {
  console.log('\n== the renderer, in vitest (test/unit/renderer) ==\n');
  const vitest = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=default'],
    { cwd: root, stdio: 'inherit' },
  );
  status = (vitest.status ?? 1) || status;
}
// A suite that does not depend on the sandbox user says so in its first lines
// ("// nobody-pass: not needed") and runs once, instead of being skipped in the second pass.
const sandboxFiles = files.filter(
  (f) =>
    /^test\/(sandbox|integration)\//.test(f) &&
    !readFileSync(join(root, f), 'utf8').slice(0, 2000).includes('nobody-pass: not needed'),
);
if (process.getuid?.() === 0 && sandboxFiles.length > 0) {
  console.log('\n== sandbox and integration suites again, driving the helper as nobody ==\n');
  status = run(sandboxFiles, { CORRAL_TEST_AS: 'nobody' }) || status;
}
const soakFiles = files.filter(alone);
if (soakFiles.length > 0) {
  console.log('\n== the soak, alone (test/soak) ==\n');
  status = run(soakFiles, { CORRAL_TEST_AS: 'self' }) || status;
}
process.exit(status);
