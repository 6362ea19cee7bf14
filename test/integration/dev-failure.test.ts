// `corral dev` on an extension that dies while it starts: the session reads what it printed on
// its terminal and says, once, the cause and the fix `corral run` would say (a missing module
// named, a top-level throw quoted), does not start it again unchanged, and starts it once the
// author fixes it; `corral run` says the same line, once too. A set-up refusal that carries its
// own fix is said once as well; a healthy extension starts without a failure line (the control).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { corralCli, runAs, stageRuntime, type RuntimeStage } from './fixtures/runtime-harness.ts';
import { startDev, type DevDriver } from './fixtures/dev-driver.ts';

const NOBODY = 65534;
/** Longer than the session's restart delay: a second start, were there one, shows by then. */
const AFTERWARDS_MS = 2_500;
let stage: RuntimeStage;
let home: string;
const sessions: DevDriver[] = [];

before(() => {
  stage = stageRuntime();
  home = stage.ownDir('dev-home');
});

after(async () => {
  for (const dev of sessions) dev.kill();
  await Promise.all(sessions.map((dev) => dev.exited));
  stage.cleanup();
});

/** An extension folder `name` with `main` as its code, owned by the run-as user. */
function extension(
  name: string,
  runtime: 'node' | 'python',
  main: string,
  permissions: object = {},
  more: object = {},
): string {
  const dir = stage.dir(name);
  const file = runtime === 'node' ? 'main.mjs' : 'main.py';
  writeFileSync(join(dir, file), main);
  writeFileSync(
    join(dir, 'corral.json'),
    JSON.stringify({
      manifestVersion: 1,
      id: `corral-tests.${name}`,
      name,
      version: '1.0.0',
      publisher: 'corral-tests',
      description: 'An extension that fails to start, for corral dev',
      runtime,
      main: file,
      permissions,
      ...more,
    }),
  );
  if (runAs === 'nobody') spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, dir]);
  return dir;
}

/** `corral dev DIR`, ended by the after hook at the latest. */
function dev(dir: string, ...args: string[]): DevDriver {
  const d = startDev(stage, [dir, '--audit', join(home, 'dev.jsonl'), ...args], home);
  sessions.push(d);
  return d;
}

const count = (text: string, part: string) => text.split(part).length - 1;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the session printed once the start failed and a restart would have shown. */
async function failed(d: DevDriver): Promise<string> {
  await d.waitFor(/\[dev\] crashed: /, 30_000, 0);
  await wait(AFTERWARDS_MS);
  return d.output;
}

/** What `corral run DIR` (no command) says in its own name when the start fails: its lines. */
async function runLines(dir: string): Promise<string[]> {
  const r = await corralCli(stage, ['run', dir, '--audit', join(home, 'run.jsonl')], home);
  assert.equal(r.status, 1, r.stderr);
  return r.stderr.split('\n').filter((l) => l.startsWith('corral run: '));
}

/** The lines the session says in its own name (not the extension's terminal, not the audit). */
const sessionLines = (out: string) =>
  out
    .split('\n')
    .map((l) => l.replace(/^dev> /, ''))
    .filter((l) => /^\[(dev|lifecycle)\] /.test(l));

test(`[${runAs}] a missing Node module: named once, with the npm install fix, and no second start`, async () => {
  const dir = extension('node-missing', 'node', "import 'left-pad';\n");
  const out = await failed(dev(dir));
  const said = sessionLines(out);
  assert.equal(said.length, 1, said.join('\n'));
  assert.match(
    said[0]!,
    /^\[dev\] crashed: corral-tests\.node-missing did not start: the extension went away: the module "left-pad" is not in the extension folder \(exit status 1\); fix: install it inside the folder \(npm install left-pad\) and ship node_modules/,
  );
  assert.equal(count(out, 'the module "left-pad"'), 1);
  // The extension's own words were shown on its terminal, once: it was not started again.
  assert.equal(count(out, "Cannot find package 'left-pad'"), 1, out);
  assert.doesNotMatch(out, /restarting in/);
  // corral run says the same line, once too.
  assert.deepEqual(await runLines(dir), [said[0]!.replace('[dev] crashed: ', 'corral run: ')]);
});

test(`[${runAs}] a top-level throw: its error quoted once, and where to read the rest`, async () => {
  const dir = extension(
    'node-throws',
    'node',
    "throw new Error('the config file is unreadable');\n",
  );
  const out = await failed(dev(dir));
  const said = sessionLines(out);
  assert.equal(said.length, 1, said.join('\n'));
  assert.equal(
    said[0],
    '[dev] crashed: corral-tests.node-throws did not start: the extension went away: it exited (exit status 1); its last words on its terminal: Error: the config file is unreadable; fix: its terminal above shows everything it wrote',
  );
});

test(`[${runAs}] a missing Python module is named, and the fixed code starts on the next change`, async () => {
  const dir = extension(
    'py-missing',
    'python',
    'import left_pad_nowhere\nimport corral_sdk\n\ncorral_sdk.connect().run()\n',
  );
  const d = dev(dir);
  const out = await failed(d);
  assert.equal(
    count(out, 'the Python module "left_pad_nowhere" is not in the extension folder'),
    1,
  );
  assert.match(
    out,
    /\[dev\] crashed: [^\n]*; fix: copy it into the folder \(pip install --target vendor left_pad_nowhere/,
  );
  const from = d.mark();
  const main = join(dir, 'main.py');
  writeFileSync(main, readFileSync(main, 'utf8').replace('import left_pad_nowhere\n', ''));
  const reloaded = await d.waitFor(/\[dev\] ready: reloaded \(1\)/, 30_000, from);
  assert.doesNotMatch(reloaded, /crashed/);
});

test(`[${runAs}] a set-up refusal that names its own fix is said once, without a second fix`, async () => {
  const fixtures = stage.dir('refusal-fixtures');
  stage.dir('refusal-fixtures/documents');
  stage.file('refusal-fixtures/documents/notes.txt', 'a file, not a folder\n');
  const dir = extension('refused', 'python', 'import corral_sdk\n\ncorral_sdk.connect().run()\n', {
    fs: [{ path: '${documents}/notes.txt/summaries', access: 'write' }],
  });
  const out = await failed(dev(dir, '--fixtures', fixtures));
  const said = sessionLines(out);
  assert.equal(said.length, 1, said.join('\n'));
  assert.match(
    said[0]!,
    /^\[dev\] crashed: corral-tests\.refused did not start: fs\[0\] \(write \$\{documents\}\/notes\.txt\/summaries\): cannot resolve \S+ \(ENOTDIR\); fix: create that folder yourself, or remove the grant from the manifest$/,
  );
  assert.equal(count(said[0]!, 'fix:'), 1);
  // corral run, with the real ${documents} (a notes.txt file there too), says it once as well.
  stage.dir('dev-home/Documents');
  stage.file('dev-home/Documents/notes.txt', 'a file, not a folder\n');
  const run = await runLines(dir);
  assert.equal(run.length, 1, run.join('\n'));
  assert.match(
    run[0]!,
    /^corral run: corral-tests\.refused did not start: fs\[0\] \(write \$\{documents\}\/notes\.txt\/summaries\): cannot resolve \S+ \(ENOTDIR\); fix: create that folder yourself, or remove the grant from the manifest$/,
  );
});

test(`[${runAs}] a crash after the start: said once with its last words, then ready again`, async () => {
  const dir = extension(
    'crashes-later',
    'python',
    [
      'import os, sys',
      'import corral_sdk',
      '',
      'corral = corral_sdk.connect()',
      '',
      '@corral.on_command("later.crash")',
      'def crash():',
      '    sys.stderr.write("giving up: the disk is full\\n")',
      '    sys.stderr.flush()',
      '    os._exit(3)',
      '',
      'corral.run()',
      '',
    ].join('\n'),
    {},
    { contributes: { commands: [{ id: 'later.crash', title: 'Crash' }] } },
  );
  const d = dev(dir);
  await d.waitFor(/\[dev\] ready: started/, 30_000, 0);
  const from = d.mark();
  d.type('later.crash');
  const out = await d.waitFor(/\[dev\] ready: restarted after a crash/, 30_000, from);
  const said = sessionLines(out);
  assert.equal(said.length, 2, said.join('\n'));
  assert.match(
    said[0]!,
    /^\[dev\] crashed: it exited \(exit status 3\); its last words on its terminal: giving up: the disk is full; restarting in \d+ ms; fix: its terminal above shows everything it wrote$/,
  );
  assert.equal(said[1], '[dev] ready: restarted after a crash');
});

test(`[${runAs}] the control: a healthy extension starts, and no failure line is printed`, async () => {
  const probe = join(stage.root, 'dev-probe');
  cpSync(new URL('./fixtures/dev-probe', import.meta.url).pathname, probe, { recursive: true });
  if (runAs === 'nobody') spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, probe]);
  const d = dev(probe);
  await d.waitFor(/\[dev\] ready: started/, 30_000, 0);
  await wait(AFTERWARDS_MS);
  assert.doesNotMatch(d.output, /crashed|did not start|went away|fix:/);
  d.type('quit');
  assert.equal(await d.exited, 0);
});
