// `corral lint` and `corral policy compile` as CI and authors run them: output, JSON, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintCommand } from '../../../app/cli/lint.ts';
import { policyCompileCommand } from '../../../app/cli/policy-compile.ts';
import { fakeIO } from '../cli/fake-io.ts';
import { compileRules } from '../../../app/policy/rules.ts';
import { fixture } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'corral-cli-'));
const files: Record<string, string> = {
  'corral.json': fixture('contract-example.json'),
  'risky.json': fixture('risky-manifest.json'),
  'old.json': fixture('v0-manifest.json'),
  'policy.rules': fixture('contract-example.rules'),
  'warn.rules': 'read ${workspace}\nconnect example.com:80\n',
  'clean.rules': 'read ${workspace}\nwrite ${extensionData}\nconnect api.github.com:443\n',
  'bad.rules': 'read ${workspace}\nreed ${home}\n',
  'broken.json': '{ "manifestVersion": 1, }',
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
mkdirSync(join(dir, 'folder'));

async function run(command: typeof lintCommand, args: string[]) {
  const fake = fakeIO(dir);
  const code = await command(args, fake.io, fake.services);
  return { code, stdout: fake.stdout(), stderr: fake.stderr() };
}

test('lint: a clean file exits 0 and says so; notes alone exit 0 too', async () => {
  assert.deepEqual(await run(lintCommand, ['clean.rules']), {
    code: 0,
    stdout: 'clean.rules: no problems found\n',
    stderr: '',
  });
  assert.deepEqual(await run(lintCommand, ['corral.json']), {
    code: 0,
    stdout:
      'corral.json:13: /permissions/fs/1: info fs-write-created: if "${documents}/reports" does not exist when the extension starts, Corral creates it as a folder; fix: nothing to do for a folder; to write one file, grant the folder that holds it\n' +
      'corral.json: 0 errors, 0 warnings, 1 note\n',
    stderr: '',
  });
});

test('lint: errors exit 1, one line per finding with line, pointer, severity, rule id and fix', async () => {
  const r = await run(lintCommand, ['risky.json']);
  assert.equal(r.code, 1);
  const lines = r.stdout.trimEnd().split('\n');
  assert.ok(
    lines.includes(
      'risky.json:10: /permissions/fs/0: error fs-write-home: write access to "${home}" lets the extension change every file you own, shell start-up files included; fix: grant only the folder it needs, e.g. "${documents}/reports" or "${workspace}"',
    ),
    r.stdout,
  );
  assert.ok(
    lines.some((l) =>
      /^risky\.json:11: \/permissions\/net\/0: error net-shared-wildcard: .*; fix: /.test(l),
    ),
  );
  assert.ok(
    lines.some((l) => /^risky\.json:11: \/permissions\/net\/0: warning net-plain-http: /.test(l)),
  );
  assert.ok(
    lines.some((l) =>
      /^risky\.json:10: \/permissions\/fs\/0: error spawn-with-writable-exec: /.test(l),
    ),
  );
  assert.equal(lines.at(-1), 'risky.json: 4 errors, 1 warning');
});

test('lint: warnings alone exit 0', async () => {
  const r = await run(lintCommand, ['warn.rules']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^warn\.rules:2: \/permissions\/net\/0: warning net-plain-http: /);
  const old = await run(lintCommand, ['old.json']);
  assert.equal(old.code, 0);
  assert.match(old.stdout, /old\.json:2: \/manifestVersion: warning manifest-migrated: /);
});

test('lint --json: machine output with findings and a summary, same exit code', async () => {
  const r = await run(lintCommand, ['--json', 'risky.json']);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.file, 'risky.json');
  assert.equal(out.kind, 'manifest');
  assert.equal(out.ok, false);
  assert.deepEqual(out.summary, { errors: 4, warnings: 1, infos: 0 });
  assert.deepEqual(Object.keys(out.findings[0]).sort(), [
    'fix',
    'line',
    'message',
    'pointer',
    'rule',
    'severity',
  ]);
  const clean = JSON.parse((await run(lintCommand, ['clean.rules', '--json'])).stdout);
  assert.deepEqual([clean.kind, clean.ok, clean.findings], ['rules', true, []]);
});

test('lint: rules syntax errors and broken JSON exit 1 with the line', async () => {
  const bad = await run(lintCommand, ['bad.rules']);
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stdout.split('\n')[0],
    'bad.rules:2: error rules-syntax: unknown rule "reed"; fix: did you mean "read"?',
  );
  const broken = await run(lintCommand, ['broken.json']);
  assert.equal(broken.code, 1);
  assert.match(
    broken.stdout,
    /^broken\.json:1: error schema: expected a key in double quotes \(line 1, column 25\); fix: /,
  );
});

test('lint: usage errors and unreadable files exit 2 with one line on stderr', async () => {
  assert.deepEqual(await run(lintCommand, []), {
    code: 2,
    stdout: '',
    stderr: 'corral lint: give the PATH; usage: corral lint PATH [--json] [--watch]\n',
  });
  assert.equal((await run(lintCommand, ['a.json', 'b.json'])).code, 2);
  assert.equal(
    (await run(lintCommand, ['--strict', 'corral.json'])).stderr,
    'corral lint: unknown option "--strict"; fix: run "corral lint --help" for its options\n',
  );
  assert.deepEqual(await run(lintCommand, ['missing.json']), {
    code: 2,
    stdout: '',
    stderr: 'corral lint: missing.json does not exist; fix: check the path\n',
  });
  assert.equal((await run(lintCommand, ['folder'])).code, 2);
  const json = await run(lintCommand, ['--json', 'missing.json']);
  assert.equal(json.code, 2);
  assert.equal(JSON.parse(json.stdout).ok, false);
});

test('policy compile: prints the manifest fragment as JSON that compiles back to the same rules', async () => {
  const r = await run(policyCompileCommand, ['policy.rules']);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  const fragment = JSON.parse(r.stdout);
  const direct = compileRules(fixture('contract-example.rules'));
  assert.ok(direct.ok);
  assert.deepEqual(fragment, direct.fragment);
  assert.deepEqual(Object.keys(fragment), ['permissions', 'optionalPermissions', 'limits']);
});

test('policy compile: errors go to stderr, one line each, exit 1; usage and missing files exit 2', async () => {
  const bad = await run(policyCompileCommand, ['bad.rules']);
  assert.deepEqual(bad, {
    code: 1,
    stdout: '',
    stderr: 'bad.rules:2: unknown rule "reed"; fix: did you mean "read"?\n',
  });
  assert.equal((await run(policyCompileCommand, [])).code, 2);
  assert.equal((await run(policyCompileCommand, ['--yaml', 'policy.rules'])).code, 2);
  assert.deepEqual(await run(policyCompileCommand, ['nope.rules']), {
    code: 2,
    stdout: '',
    stderr: 'corral policy compile: nope.rules does not exist; fix: check the path\n',
  });
});
