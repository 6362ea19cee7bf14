#!/usr/bin/env node
// Runs every test suite with node's own test runner. The sandbox suites run twice when we are
// root: once as root and once as the unprivileged user `nobody`, because "setuid-free" has to be
// proven, not assumed (CORRAL_TEST_AS tells the suites which user to drive the helper as).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const layers = ['unit', 'fuzz', 'sandbox', 'integration', 'e2e'];
const only = process.argv.slice(2);

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
let status = run(files, { CORRAL_TEST_AS: 'self' });
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
process.exit(status);
