// `corral dev` end to end, as an author uses it (issue 11): the staged CLI as the run-as user, the
// dev> prompt on a pipe, a Python extension in the production sandbox. An edit reloads into the
// new behaviour (and a lint error keeps the old one); a synthetic endpoint answers and nothing
// else does; mock files are visible and the real ones are not; an access only --net log allowed
// is flagged; the extension has a terminal of its own, and its hostile escapes never get out.
/* eslint-disable no-control-regex -- control characters are what the terminal test is about */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runAs, stageRuntime, type RuntimeStage } from './fixtures/runtime-harness.ts';
import { startDev, type DevDriver } from './fixtures/dev-driver.ts';
import { corralCli } from './fixtures/runtime-harness.ts';

const NOBODY = 65534;
let stage: RuntimeStage;
let probe: string;
let home: string;
let endpoints: string;
let fixtures: string;
let dev: DevDriver;

/** The run-as user owns `path` (the CLI writes there, or watches what the test edits). */
function own(path: string): void {
  if (runAs === 'nobody') spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, path]);
}

before(async () => {
  stage = stageRuntime();
  probe = join(stage.root, 'dev-probe');
  cpSync(new URL('./fixtures/dev-probe', import.meta.url).pathname, probe, { recursive: true });
  own(probe);
  home = stage.ownDir('dev-home');
  // The author's real files: readable by the run-as user, so a refusal is the session's doing.
  stage.dir('dev-home/Documents');
  stage.file('dev-home/Documents/secret.txt', 'the real secret\n');
  own(home);
  fixtures = stage.dir('fixtures');
  stage.dir('fixtures/documents');
  stage.file('fixtures/documents/note.txt', 'a mock note\n');
  endpoints = stage.file(
    'endpoints.json',
    JSON.stringify({
      endpoints: [
        { url: 'https://api.github.com/repos/acme/rocket', body: { stargazers_count: 7 } },
        { url: 'https://undeclared.example/ping', body: 'pong' },
      ],
    }),
  );
  dev = startDev(
    stage,
    [probe, '--fixtures', fixtures, '--endpoints', endpoints, '--audit', join(home, 'dev.jsonl')],
    home,
  );
  await dev.waitFor(/\[dev\] ready: started/, 30_000, 0);
});

after(async () => {
  dev?.type('quit');
  await Promise.race([dev?.exited, new Promise((r) => setTimeout(r, 10_000))]);
  dev?.kill();
  stage.cleanup();
});

/** A command's JSON answer as the prompt prints it, on lines of its own. */
const ANSWER = /(?:^|\n|dev> )(\{[\s\S]*?\n\}|\[[\s\S]*?\n\]|"[^\n]*"|null|\d+)\n/;

/** Runs `line` at the prompt and resolves with the command's JSON answer. */
async function run(line: string): Promise<unknown> {
  dev.type(line);
  return JSON.parse(ANSWER.exec(await dev.waitFor(ANSWER))![1]!) as unknown;
}

test(`[${runAs}] the banner lists every relaxation, and says where the debug events go`, () => {
  assert.match(dev.output, /debug mode: not production/);
  assert.match(dev.output, /\$\{documents\} → \S+ \(mock: a copy of /);
  assert.match(
    dev.output,
    /endpoints: api\.github\.com:443, undeclared\.example:443 answered from/,
  );
  assert.match(dev.output, /audit: debug events go to .*dev\.jsonl, as extension "debug:ID"/);
  // Not asked for, so not relaxed: the network is production's.
  assert.doesNotMatch(dev.output, /--net/);
});

test(`[${runAs}] mock files are visible; the author's real ones are not`, async () => {
  assert.equal(await run('probe.read ${documents}/note.txt'), 'a mock note\n');
  // The real Documents has secret.txt; the session's ${documents} is the mock folder.
  assert.deepEqual(await run('probe.read ${documents}/secret.txt'), { refused: 'NotFound' });
  const real = join(home, 'Documents', 'secret.txt');
  assert.equal(readFileSync(real, 'utf8'), 'the real secret\n'); // it is there, and readable
  assert.deepEqual(await run(`probe.read ${real}`), { refused: 'PermissionDenied' });
  await dev.waitFor(
    /\[access\] broker fs read \S*dev-home\/Documents\/secret\.txt: deny \(no grant covers/,
    5_000,
    0,
  );
});

test(`[${runAs}] a synthetic endpoint answers, and an unknown path on its host is not sent on`, async () => {
  assert.deepEqual(await run('probe.fetch https://api.github.com/repos/acme/rocket'), {
    status: 200,
    body: '{"stargazers_count":7}',
    synthetic: 'synthetic',
  });
  const missing = (await run('probe.fetch https://api.github.com/repos/other')) as {
    status: number;
    synthetic: string;
  };
  assert.equal(missing.status, 404);
  assert.equal(missing.synthetic, 'synthetic');
  await dev.waitFor(
    /no synthetic endpoint for https:\/\/api\.github\.com\/repos\/other: answered 404 \(the real service was not asked\)/,
    5_000,
    0,
  );
  // The policy decides first, as in production: a host the manifest does not grant is refused
  // even though the endpoints file has an answer for it.
  assert.deepEqual(await run('probe.fetch https://undeclared.example/ping'), {
    refused: 'PermissionDenied',
  });
});

test(`[${runAs}] --net log: an access production would deny goes through, flagged on screen and in the audit`, async () => {
  const audit = join(home, 'net-log.jsonl');
  const relaxed = startDev(
    stage,
    [probe, '--net', 'log', '--endpoints', endpoints, '--audit', audit],
    home,
  );
  try {
    await relaxed.waitFor(/\[dev\] ready: started/, 30_000, 0);
    assert.match(relaxed.output, /network: --net log: an access production would deny is allowed/);
    relaxed.type('probe.fetch https://undeclared.example/ping');
    await relaxed.waitFor(/"status": 200/);
    assert.match(
      relaxed.output,
      /\[access\] DEBUG ONLY: broker net fetch undeclared\.example:443: allow \(would be denied in production/,
    );
    // A granted host is not flagged (the positive control for the mark).
    relaxed.type('probe.fetch https://api.github.com/repos/acme/rocket');
    await relaxed.waitFor(/"status": 200/);
    assert.doesNotMatch(relaxed.output, /DEBUG ONLY: [^\n]*api\.github\.com/);
    relaxed.type('quit');
    assert.equal(await relaxed.exited, 0);
    const events = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ext: string; target: string; reason: string });
    const flagged = events.filter((e) => e.reason.startsWith('would be denied in production'));
    assert.ok(
      flagged.some((e) => e.target.includes('undeclared.example')),
      JSON.stringify(events),
    );
    assert.ok(events.every((e) => e.ext === 'debug:corral-tests.dev-probe'));
  } finally {
    relaxed.kill();
  }
});

test(`[${runAs}] the extension has a terminal of its own; title, clipboard and answer-back never get out`, async () => {
  const from = dev.mark();
  assert.deepEqual(await run('probe.tty'), { isatty: true, cols: 80 });
  const printed = await dev.waitFor(/:end/, 5_000, from);
  assert.match(printed, /probe:\x1b\[32mgreen\x1b\[0m:end/);
  assert.doesNotMatch(printed, /owned-title|ZXZpbA|\x1b\]|\x1b\[6n/);
});

test(`[${runAs}] an edit reloads into the new code; a lint error keeps the old one running`, async () => {
  assert.equal(await run('probe.version'), 'v1');
  const main = join(probe, 'main.py');
  const manifest = join(probe, 'corral.json');
  const good = readFileSync(manifest, 'utf8');
  let from = dev.mark();
  writeFileSync(main, readFileSync(main, 'utf8').replace('VERSION = "v1"', 'VERSION = "v2"'));
  await dev.waitFor(/\[dev\] ready: reloaded \(1\)/, 30_000, from);
  assert.equal(await run('probe.version'), 'v2');

  from = dev.mark();
  writeFileSync(manifest, good.replace('"${documents}"', '"/etc"'));
  const failed = await dev.waitFor(
    /\[dev\] lint-failed: .*previous version keeps running/,
    30_000,
    from,
  );
  assert.match(failed, /\[lint\] corral\.json:\d+: /);
  assert.equal(await run('probe.version'), 'v2');

  from = dev.mark();
  writeFileSync(manifest, good);
  await dev.waitFor(/\[dev\] ready: reloaded \(2\)/, 30_000, from);
  assert.equal(await run('probe.version'), 'v2');
});

test(`[${runAs}] corral run shows the same output through the same filter, on pipes of its own`, async () => {
  const r = await corralCli(
    stage,
    ['run', probe, '--command', 'probe.tty', '--audit', join(home, 'run.jsonl')],
    home,
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { isatty: false, cols: null });
  assert.match(r.stderr, /\[Dev Probe\] probe:\x1b\[32mgreen\x1b\[0m:end/);
  assert.doesNotMatch(r.stderr, /owned-title|ZXZpbA|\x1b\]|\x1b\[6n/);
});

test(`[${runAs}] a folder that is not an extension's is refused before anything watches it`, async () => {
  const r = await corralCli(
    stage,
    ['dev', stage.dir('not-an-extension'), '--audit', join(home, 'x.jsonl')],
    home,
  );
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not-an-extension has no corral\.json; fix: give an extension's folder/);
});
