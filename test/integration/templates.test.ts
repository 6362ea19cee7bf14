// `corral new` as an author meets it: each template scaffolds, installs what it needs without this
// repository's node_modules, passes its own tests, lints clean and runs its command under
// `corral run` in the real sandbox (as the current user, then as nobody). Then what an author
// sees when it breaks: a thrown exception with its type and the author's frames, a syntax error
// and a missing module with their cause and fix.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corralCli, runAs, stageRuntime, type RuntimeStage } from './fixtures/runtime-harness.ts';

const repo = new URL('../..', import.meta.url).pathname;
/** The repository's CLI, with the templates and the SDK's package beside it. */
const builtCli = join(repo, 'dist', 'corral.cjs');

let stage: RuntimeStage;
let ws: string;
let home: string;

before(() => {
  stage = stageRuntime();
  ws = stage.dir('ws');
  stage.file('ws/a.md', 'alpha beta\n');
  stage.file('ws/b.txt', 'gamma\n');
  stage.file('ws/c.png', 'not text\n');
  home = stage.ownDir('home');
  stage.ownDir('audit');
});
after(() => stage.cleanup());

/** A program run to completion in `cwd` with a plain environment (PATH, HOME); its output. */
function sh(cwd: string, file: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(file, args, {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: `${join(process.execPath, '..')}:/usr/bin:/bin`,
      HOME: process.env.HOME ?? '/root',
    },
    timeout: 180_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** `corral new acme.NAME --template T` in the stage, readable by the sandbox user. */
function scaffold(template: string, name: string): string {
  const r = sh(stage.root, process.execPath, [
    builtCli,
    'new',
    `acme.${name}`,
    '--template',
    template,
  ]);
  assert.equal(r.status, 0, r.out);
  assert.match(
    r.out,
    new RegExp(
      `^created acme\\.${name} in ${stage.root}/${name} \\(${template}, \\d+ files\\)\\nnext:\\n  cd ${name}\\n`,
    ),
  );
  return join(stage.root, name);
}

function allowAll(dir: string): void {
  execFileSync('chmod', ['-R', 'a+rX', dir]);
}

const runCommand = (dir: string, command: string, args: unknown[] = []) =>
  corralCli(
    stage,
    [
      'run',
      dir,
      '--workspace',
      ws,
      '--audit',
      join(stage.root, 'audit', 'runs.jsonl'),
      '--command',
      command,
      '--args',
      JSON.stringify(args),
    ],
    home,
  );

const everything = {
  total: 3,
  files: [
    { name: 'a.md', words: 2 },
    { name: 'b.txt', words: 1 },
  ],
};

/** Installs, tests, lints and runs a scaffolded extension; `install` and `test` are its own steps. */
async function asItComes(dir: string, name: string, steps: [string, string[]][]): Promise<void> {
  for (const [file, args] of steps) {
    const r = sh(dir, file, args);
    assert.equal(r.status, 0, `${file} ${args.join(' ')}: ${r.out}`);
  }
  allowAll(dir);
  const lint = sh(dir, process.execPath, [builtCli, 'lint', '.']);
  assert.deepEqual(lint, { status: 0, out: '.: no problems found\n' });
  const all = await runCommand(dir, `${name}.count`);
  assert.equal(all.status, 0, all.stderr);
  assert.deepEqual(JSON.parse(all.stdout), everything);
  const one = await runCommand(dir, `${name}.count`, ['b.txt']);
  assert.deepEqual(JSON.parse(one.stdout), { total: 1, files: [{ name: 'b.txt', words: 1 }] });
}

const npm = 'npm';
const quiet = ['--no-audit', '--no-fund'];

test(`[${runAs}] node: npm install (the SDK from vendor/, offline), npm test, lint, corral run`, async () => {
  const dir = scaffold('node', 'node-words');
  await asItComes(dir, 'node-words', [
    [npm, ['install', '--offline', ...quiet]],
    [npm, ['test']],
  ]);
  const pkg = JSON.parse(readFileSync(join(dir, 'node_modules/@corral/sdk/package.json'), 'utf8'));
  assert.equal(pkg.dependencies, undefined, 'the SDK needs nothing else');

  // A bug in the command: the exception's type, message and the author's own frames.
  const commands = join(dir, 'src/commands.js');
  const source = readFileSync(commands, 'utf8');
  writeFileSync(commands, source.replace('return text.split', 'return text.nothing.split'));
  const bug = await runCommand(dir, 'node-words.count');
  assert.equal(bug.status, 1);
  const [first, ...stack] = bug.stderr.trimEnd().split('\n');
  assert.equal(
    first,
    `corral run: command "node-words.count" threw TypeError: Cannot read properties of undefined (reading 'split')`,
  );
  assert.match(
    stack[0]!,
    new RegExp(`^    at countWords \\(file://${dir}/src/commands\\.js:\\d+:\\d+\\)$`),
  );
  assert.ok(!stack.some((l) => /@corral\/sdk|node:internal/.test(l)), stack.join('\n'));
  writeFileSync(commands, source);

  // A syntax error, then a module that is not there: each says why it went away and what to do.
  const index = join(dir, 'src/index.js');
  const entry = readFileSync(index, 'utf8');
  appendFileSync(index, 'const broken = ;\n');
  const syntax = await runCommand(dir, 'node-words.count');
  assert.equal(syntax.status, 1);
  assert.match(
    syntax.stderr.trimEnd().split('\n').at(-1)!,
    new RegExp(
      `^corral run: acme\\.node-words did not start: .*: a syntax error in ${dir}/src/index\\.js:\\d+: Unexpected token ';' \\(exit status 1\\); fix: correct it; "node --check ${dir}/src/index\\.js"`,
    ),
  );
  writeFileSync(index, `import 'left-pad';\n${entry}`);
  const missing = await runCommand(dir, 'node-words.count');
  assert.match(
    missing.stderr.trimEnd().split('\n').at(-1)!,
    /^corral run: acme\.node-words did not start: .*: the module "left-pad" is not in the extension folder \(exit status 1\); fix: install it inside the folder \(npm install left-pad\)/,
  );
  writeFileSync(index, entry);
});

test(`[${runAs}] typescript: npm install, npm test (compiles), lint, corral run`, async () => {
  const dir = scaffold('typescript', 'ts-words');
  await asItComes(dir, 'ts-words', [
    [npm, ['install', '--prefer-offline', ...quiet]],
    [npm, ['test']],
  ]);
});

test(`[${runAs}] python: its unittest, lint, corral run; a KeyError shows its traceback`, async () => {
  const dir = scaffold('python', 'py-words');
  await asItComes(dir, 'py-words', [['python3', ['-B', '-m', 'unittest']]]);
  const commands = join(dir, 'commands.py');
  const source = readFileSync(commands, 'utf8');
  writeFileSync(commands, source.replace('return len(text.split())', 'return {}["words"]'));
  const bug = await runCommand(dir, 'py-words.count');
  assert.equal(bug.status, 1);
  const lines = bug.stderr.trimEnd().split('\n');
  assert.equal(lines[0], `corral run: command "py-words.count" threw KeyError: 'words'`);
  assert.ok(
    lines.some((l) =>
      new RegExp(`^    File "${dir}/commands\\.py", line \\d+, in count_words$`).test(l),
    ),
    lines.join('\n'),
  );
  writeFileSync(commands, `import requests\n${source}`);
  const missing = await runCommand(dir, 'py-words.count');
  assert.match(
    missing.stderr.trimEnd().split('\n').at(-1)!,
    /^corral run: acme\.py-words did not start: .*: the Python module "requests" is not in the extension folder .*; fix: copy it into the folder/,
  );
  writeFileSync(commands, source);
});

test(`[${runAs}] shell: its tests, lint, corral run with shell built-ins only`, async () => {
  const dir = scaffold('shell', 'sh-words');
  await asItComes(dir, 'sh-words', [['sh', ['test/run.sh']]]);
});
