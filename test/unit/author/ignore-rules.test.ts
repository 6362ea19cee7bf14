// .corralignore follows gitignore(5): checked line by line against the documented cases, then
// against git itself (`git check-ignore --no-index`) for random pattern files over a fixed tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseIgnoreRules } from '../../../app/package/ignore-rules.ts';

/** Whether a file ships: neither it nor a folder above it is left out (the walker's semantics). */
function ships(text: string, path: string): boolean {
  const rules = parseIgnoreRules(text);
  const segments = path.split('/');
  for (let i = 1; i < segments.length; i++)
    if (rules.ignores(segments.slice(0, i).join('/'), true)) return false;
  return !rules.ignores(path, false);
}

test('the documented cases: names at any depth, anchors, folders only, globs, negation, comments', () => {
  const cases: [string, string, boolean][] = [
    ['*.log', 'a.log', false],
    ['*.log', 'deep/er/a.log', false],
    ['*.log', 'a.log.txt', true],
    ['/todo.txt', 'todo.txt', false],
    ['/todo.txt', 'docs/todo.txt', true],
    ['docs/*.md', 'docs/a.md', false],
    ['docs/*.md', 'docs/deep/a.md', true],
    ['docs/*.md', 'x/docs/a.md', true],
    ['build/', 'build/out.js', false],
    ['build/', 'build', true], // a file named build: "build/" matches folders only
    ['**/fixtures', 'test/unit/fixtures/a.json', false],
    ['src/**', 'src/a/b.ts', false],
    ['a/**/b', 'a/b', false],
    ['a/**/b', 'a/x/y/b', false],
    ['file?.txt', 'file1.txt', false],
    ['file?.txt', 'file10.txt', true],
    ['[ab].js', 'a.js', false],
    ['[!ab].js', 'a.js', true],
    ['[!ab].js', 'c.js', false],
    ['*.md\n!README.md', 'README.md', true],
    ['*.md\n!README.md', 'guide.md', false],
    ['test/\n!test/keep.js', 'test/keep.js', false], // nothing inside a left-out folder comes back
    ['# a comment\n\n   \n', 'anything', true],
    ['\\#notes', '#notes', false],
    ['\\!important', '!important', false],
    ['spaces   ', 'spaces', false],
  ];
  for (const [text, path, expected] of cases)
    assert.equal(ships(text, path), expected, `${JSON.stringify(text)} vs ${path}`);
});

test('version control, the old signature and .corralignore itself never ship, whatever the file says', () => {
  for (const path of ['.git/config', 'sub/.git/HEAD', '.hg/store', 'corral.sig', '.corralignore'])
    assert.equal(ships('', path), false, path);
  assert.equal(ships('', 'sub/corral.sig'), true, 'only the root signature is the package’s');
  assert.equal(ships('!.git/', '.git/config'), false, 'a negation cannot bring .git back');
  assert.equal(ships('', 'src/index.js'), true, 'the positive control');
});

test('the same answers as git check-ignore for random pattern files', () => {
  const tree = [
    'README.md',
    'corral.json',
    'main.js',
    'a.log',
    'src/index.ts',
    'src/util/x.ts',
    'src/util/x.test.ts',
    'test/a.test.js',
    'test/fixtures/key.pem',
    'dist/index.js',
    'dist/index.js.map',
    'docs/guide.md',
    'docs/img/a.png',
    'node_modules/z/index.js',
  ];
  const repo = mkdtempSync(join(tmpdir(), 'corral-ignore-git-'));
  try {
    execFileSync('git', ['init', '-q', repo]);
    for (const f of tree) {
      mkdirSync(join(repo, f, '..'), { recursive: true });
      writeFileSync(join(repo, f), '');
    }
    const pattern = fc.constantFrom(
      '*.log',
      '*.ts',
      '!*.ts',
      'src/',
      '/src/',
      '!src/index.ts',
      'test/',
      '*.test.*',
      '!test/a.test.js',
      '**/fixtures',
      'dist/*.map',
      'docs/**',
      '!docs/guide.md',
      'node_modules',
      '/*.md',
      'util',
      'x.ts',
      '?ain.js',
      '[a-c].log',
      'src/**/x.ts',
    );
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 5 }), (lines) => {
        const text = lines.join('\n') + '\n';
        writeFileSync(join(repo, '.gitignore'), text);
        let out = '';
        try {
          out = execFileSync('git', ['-C', repo, 'check-ignore', '--no-index', ...tree], {
            encoding: 'utf8',
          });
        } catch (e) {
          out = (e as { stdout?: string }).stdout ?? ''; // status 1: nothing is ignored
        }
        const byGit = new Set(out.split('\n').filter(Boolean));
        for (const f of tree)
          assert.equal(ships(text, f), !byGit.has(f), `${JSON.stringify(text)}: ${f}`);
      }),
      { numRuns: 150 },
    );
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});
