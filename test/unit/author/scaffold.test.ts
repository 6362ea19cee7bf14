// `corral new`: every template scaffolds a complete folder with its names filled in (manifest,
// rules, source, tests, README, .corralignore; the SDK's tarball for the Node ones), whose
// manifest and rules lint clean; a bad name, a taken folder or no publisher create nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMPLATES } from '../../../app/author/scaffold.ts';
import { lintPath } from '../../../app/author/lint-folder.ts';
import { newCommand } from '../../../app/cli/new.ts';
import { newSpec } from '../../../app/cli/specs.ts';
import { fakeIO, ioOf } from '../cli/fake-io.ts';

const root = mkdtempSync(join(tmpdir(), 'corral-new-'));

async function run(args: string[], env: NodeJS.ProcessEnv = { USER: 'Ada Lovelace' }) {
  const fake = fakeIO(root, env);
  const code = await newCommand(args, ...ioOf(fake));
  return { code, stdout: fake.stdout(), stderr: fake.stderr() };
}

function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(dir, `${rel}${e.name}/`) : [`${rel}${e.name}`],
  );
}

test('the spec offers exactly the templates there are', () => {
  assert.deepEqual(newSpec.options.template.metavar.split('|'), [...TEMPLATES]);
});

for (const template of TEMPLATES) {
  test(`${template}: a complete folder, names filled in, manifest and rules lint clean`, async () => {
    const r = await run([`acme.${template}-words`, '--template', template]);
    assert.equal(r.code, 0, r.stderr);
    const dir = join(root, `${template}-words`);
    assert.match(
      r.stdout,
      new RegExp(
        `^created acme\\.${template}-words in ${dir} \\(${template}, \\d+ files\\)\\nnext:\\n  cd ${template}-words\\n`,
      ),
    );
    assert.match(
      r.stdout,
      new RegExp(`corral run \\. --workspace FOLDER --command ${template}-words\\.count\\n$`),
    );
    const files = filesUnder(dir);
    for (const f of ['corral.json', 'corral.rules', 'README.md', '.corralignore'])
      assert.ok(files.includes(f), `${template}: ${f}`);
    assert.ok(
      files.some((f) => /test/.test(f)),
      `${template}: tests`,
    );
    for (const f of files.filter((f) => !f.endsWith('.tgz')))
      assert.doesNotMatch(readFileSync(join(dir, f), 'utf8'), /\{\{\w+\}\}/, `${template}: ${f}`);
    const manifest = JSON.parse(readFileSync(join(dir, 'corral.json'), 'utf8'));
    assert.equal(manifest.id, `acme.${template}-words`);
    assert.equal(manifest.name, `${template.charAt(0).toUpperCase()}${template.slice(1)} Words`);
    assert.deepEqual(manifest.contributes.commands, [
      { id: `${template}-words.count`, title: 'Count words' },
    ]);
    if (template === 'node' || template === 'typescript') {
      const tarball = files.find((f) => f.startsWith('vendor/'));
      assert.match(tarball ?? '', /^vendor\/corral-sdk-\d+\.\d+\.\d+\.tgz$/);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      assert.equal(pkg.dependencies['@corral/sdk'], `file:${tarball}`);
    }
    if (template === 'shell') assert.equal(statSync(join(dir, 'main.sh')).mode & 0o111, 0o111);
    // Everything but a TypeScript main, which "npm run build" makes.
    const findings = (await lintPath(dir, '/')).flatMap((report) =>
      report.findings.map((f) => f.rule),
    );
    assert.deepEqual(findings, template === 'typescript' ? ['main-missing'] : []);
  });
}

test('the publisher: from NAME, from --publisher, else from the user name, checked', async () => {
  assert.equal((await run(['plain', '--template', 'python'])).code, 0);
  assert.equal(
    JSON.parse(readFileSync(join(root, 'plain/corral.json'), 'utf8')).id,
    'ada-lovelace.plain',
  );
  assert.equal((await run(['given', '--template', 'shell', '--publisher', 'corp'])).code, 0);
  assert.equal(JSON.parse(readFileSync(join(root, 'given/corral.json'), 'utf8')).publisher, 'corp');
  assert.equal((await run(['elsewhere', '--template', 'shell', '--dir', 'sub/dir'])).code, 0);
  assert.ok(existsSync(join(root, 'sub/dir/main.sh')));
});

test('refused in one line, and nothing is created', async () => {
  mkdirSync(join(root, 'taken'));
  writeFileSync(join(root, 'taken', 'x'), '');
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [
      ['My Ext', '--template', 'node'],
      { USER: 'a' },
      /^corral new: "My Ext" cannot be part of an extension id; fix: use lower-case letters, digits and "-", e\.g\. "my-ext"\n$/,
    ],
    [
      ['taken', '--template', 'node'],
      { USER: 'a' },
      /^corral new: .*taken exists and is not an empty folder; fix: choose another NAME or --dir\n$/,
    ],
    [
      ['nobody-home', '--template', 'node'],
      {},
      /^corral new: there is no publisher for the id; fix: add --publisher NAME/,
    ],
    [
      ['acme.x', '--template', 'node', '--publisher', 'corp'],
      {},
      /NAME says the publisher is "acme" and --publisher says "corp"/,
    ],
    [
      ['ok', '--template', 'node', '--publisher', 'Big Corp'],
      {},
      /"Big Corp" cannot be a publisher; fix: .*e\.g\. "big-corp"/,
    ],
  ];
  for (const [args, env, line] of cases) {
    const r = await run(args, env);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, line);
    assert.equal(r.stdout, '');
  }
  for (const name of ['My Ext', 'nobody-home', 'x', 'ok'])
    assert.ok(!existsSync(join(root, name)), name);
  const usage = await run(['x', '--template', 'cobol']);
  assert.equal(usage.code, 2);
  assert.match(
    usage.stderr,
    /^corral new: --template cobol: use one of node, typescript, python, shell\n$/,
  );
});
