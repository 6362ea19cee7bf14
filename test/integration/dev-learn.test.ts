// `corral dev --learn` (issue 11): the SDK tour, started from a manifest that grants nothing, is
// driven through every command; the learning run then proposes exactly what the tour's own
// manifest declares, no more (as a diff and as rules lines, linted), and writes nothing until the
// author answers y.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runAs, stageRuntime, type RuntimeStage } from './fixtures/runtime-harness.ts';
import { startDev, type DevDriver } from './fixtures/dev-driver.ts';
import { policyRules } from '../../app/consent/grants.ts';
import type { PolicyInput } from '../../app/policy/manifest.ts';
import { printRules } from '../../app/policy/rules.ts';

const NOBODY = 65534;
let stage: RuntimeStage;
let tour: string;
let declared: PolicyInput;
let dev: DevDriver;

before(async () => {
  stage = stageRuntime();
  const original = JSON.parse(
    readFileSync(new URL('../../examples/sdk-tour/corral.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  declared = {
    permissions: original.permissions as PolicyInput['permissions'],
    optionalPermissions: original.optionalPermissions as PolicyInput['optionalPermissions'],
  } as PolicyInput;
  tour = stage.example('sdk-tour', (m) => {
    m.permissions = {};
    delete m.optionalPermissions;
  });
  // The author's folder: the run-as user writes the proposal into it.
  if (runAs === 'nobody') spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, tour]);
  const home = stage.ownDir('learn-home');
  stage.dir('fixtures/workspace');
  stage.file('fixtures/workspace/notes.md', '# Notes\nbuy milk\n');
  stage.dir('fixtures/downloads');
  stage.file('fixtures/downloads/a.pdf', '%PDF');
  const endpoints = stage.file(
    'endpoints.json',
    JSON.stringify({
      endpoints: [
        { url: 'https://api.github.com/repos/acme/rocket', body: { stargazers_count: 9 } },
      ],
    }),
  );
  dev = startDev(
    stage,
    [
      tour,
      '--learn',
      '--fixtures',
      join(stage.root, 'fixtures'),
      '--endpoints',
      endpoints,
      '--audit',
      join(home, 'learn.jsonl'),
    ],
    home,
  );
  await dev.waitFor(/\[dev\] ready: started/, 30_000, 0);
});

after(() => {
  dev?.kill();
  stage.cleanup();
});

/** Runs a command at the prompt; resolves once its answer (or failure) is printed. */
async function run(line: string): Promise<string> {
  dev.type(line);
  return dev.waitFor(
    /(\n|^|dev> )(\{\}|\[\]|\{[\s\S]*?\n\}|\[[\s\S]*?\n\]|"[^\n]*"|null|\d+)\n|failed: /,
  );
}

test(`[${runAs}] the banner says what a learning run relaxes`, () => {
  assert.match(dev.output, /learning: files in the mock folders, ipc and synthetic hosts/);
});

test(`[${runAs}] every command of the tour runs under the learning run`, async () => {
  assert.match(await run('tour.read'), /"first": "# Notes"/);
  assert.match(await run('tour.list'), /"notes\.md"/);
  assert.match(await run('tour.stat'), /"type": "file"/);
  assert.match(await run('tour.write'), /"at": \d+/);
  assert.match(await run('tour.fetch'), /"stars": 9/);
  assert.match(await run('tour.publish'), /"published"/);
  // Its own messages are not delivered back to it; subscribing is what the run records.
  assert.match(await run('tour.received'), /\[\]/);
  assert.match(await run('tour.ask'), /"granted": true,\s+"files": 1/);
  assert.match(await run('tour.log'), /"logged"/);
  assert.match(await run('tour.paths'), /"notes": /);
  assert.match(await run('tour.denied'), /"refused": /);
  assert.match(await run('tour.ready'), /"corral-examples\.sdk-tour"/);
});

test(`[${runAs}] "learn" shows the proposal; anything but y writes nothing`, async () => {
  const before = readFileSync(join(tour, 'corral.json'), 'utf8');
  dev.type('learn');
  const shown = await dev.waitFor(/Write this to corral\.json\? \[y\/N\] /);
  for (const rule of policyRules(declared)) assert.ok(shown.includes(`+ ${rule}`), shown);
  assert.match(shown, /as rules \(corral\.rules\):/);
  assert.match(shown, /lint on the proposal:/);
  // What the tour tried outside every folder a manifest names is said, never proposed.
  assert.match(shown, /\/etc\/shadow was tried and is not proposed/);
  dev.type('n');
  await dev.waitFor(/nothing written/);
  assert.equal(readFileSync(join(tour, 'corral.json'), 'utf8'), before);
});

test(`[${runAs}] on y the manifest gets exactly the tour's own permissions, and no more`, async () => {
  dev.type('quit');
  const shown = await dev.waitFor(/Write this to corral\.json\? \[y\/N\] /);
  const rules = /as rules \(corral\.rules\):\n((?: {2}.*\n)+)/.exec(shown)![1]!;
  assert.deepEqual(
    rules
      .trim()
      .split('\n')
      .map((l) => l.trim())
      .sort(),
    policyRules(declared).sort(),
  );
  dev.type('y');
  await dev.waitFor(/wrote .*corral\.json/);
  assert.equal(await dev.exited, 0);
  const written = JSON.parse(readFileSync(join(tour, 'corral.json'), 'utf8')) as PolicyInput;
  assert.deepEqual(written.permissions, declared.permissions);
  assert.deepEqual(written.optionalPermissions, declared.optionalPermissions);
});

test(`[${runAs}] a program start the kernel refused (seccomp, not the host) is proposed as spawn`, async () => {
  const mischief = stage.example(
    'mischief',
    (m) => {
      m.permissions = {};
    },
    'mischief-learn',
  );
  // The author keeps corral.rules too: a yes must keep it in step with corral.json.
  const limits = (JSON.parse(readFileSync(join(mischief, 'corral.json'), 'utf8')) as PolicyInput)
    .limits;
  writeFileSync(join(mischief, 'corral.rules'), printRules({ permissions: {}, limits }));
  if (runAs === 'nobody') spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, mischief]);
  const home = stage.ownDir('spawn-home');
  const learn = startDev(stage, [mischief, '--learn', '--audit', join(home, 'a.jsonl')], home);
  try {
    await learn.waitFor(/\[dev\] ready: started/, 30_000, 0);
    learn.type('learn');
    // A positive control: before the attempt, nothing is proposed.
    assert.match(await learn.waitFor(/\[y\/N\] /), /\(no permissions\)/);
    learn.type('n');
    await learn.waitFor(/nothing written/);
    learn.type('mischief.spawn /bin/sh');
    await learn.waitFor(/\[access\] kernel process execve [^\n]*: deny/);
    learn.type('learn');
    const shown = await learn.waitFor(/\[y\/N\] /);
    const spawn = policyRules({
      permissions: { process: { spawn: true } },
      optionalPermissions: {},
    } as PolicyInput);
    assert.deepEqual(
      spawn.map((r) => shown.includes(`+ ${r}`)),
      spawn.map(() => true),
      shown,
    );
    assert.match(shown, /to corral\.json and corral\.rules \(printed afresh/);
    learn.type('y');
    await learn.waitFor(/wrote .*corral\.json\n.*wrote .*corral\.rules/);
    // Written, the two agree: the reload that follows lints clean.
    await learn.waitFor(/\[dev\] ready: reloaded \(1\)/, 30_000);
    assert.match(readFileSync(join(mischief, 'corral.rules'), 'utf8'), /^spawn$/m);
    const written = JSON.parse(readFileSync(join(mischief, 'corral.json'), 'utf8')) as PolicyInput;
    assert.deepEqual(written.permissions, { process: { spawn: true } });
  } finally {
    learn.kill();
  }
});
