// docs/extension-guide.md cannot drift: every SDK method has a runnable example there, quoted
// verbatim from examples/sdk-tour (which sdk-tour.test.ts runs in a sandbox), and its two CI
// recipes do what they say: exit 0 on a clean policy, 1 with one line or annotation per error.
// nobody-pass: not needed (the recipes lint; nothing runs in a sandbox here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { connect } from '../../sdk/node/src/index.ts';

const repo = new URL('../../', import.meta.url).pathname;
const guide = readFileSync(join(repo, 'docs/extension-guide.md'), 'utf8');
const tour = readFileSync(join(repo, 'examples/sdk-tour/src/index.ts'), 'utf8');
const regions = new Map(
  [...tour.matchAll(/\/\/ #region (\S+)\n([\s\S]*?)\n\/\/ #endregion/g)].map((m) => [m[1]!, m[2]!]),
);

test('every method of the SDK has an example, quoted in the guide exactly as it runs', () => {
  const corral = connect({
    socket: new Duplex({ read() {}, write: (_c, _e, done) => done() }),
    exit: () => undefined,
    env: {},
  });
  const api: string[] = [];
  for (const [key, value] of Object.entries(corral)) {
    if (typeof value === 'object' && value !== null && !(value instanceof Promise))
      api.push(...(key === 'log' ? ['log'] : Object.keys(value).map((m) => `${key}.${m}`)));
    else api.push(key);
  }
  corral.close();
  // onCommand is in every example; close() is for embedding and tests.
  const shown = api.filter((m) => m !== 'onCommand' && m !== 'close').sort();
  assert.deepEqual([...regions.keys()].filter((r) => r !== 'errors').sort(), shown);
  for (const [name, body] of regions)
    assert.ok(
      guide.includes(`#### \`${name}\`\n`) && guide.includes(`\`\`\`ts\n${body}\n\`\`\``),
      name,
    );
});

/** The guide's recipe `which` (shell or GitHub), run in `dir` with `corral` on PATH. */
function recipe(which: 'shell' | 'github', dir: string, bin: string) {
  const block =
    which === 'shell'
      ? /As a plain shell step[\s\S]*?```sh\n([\s\S]*?)```/.exec(guide)![1]!
      : /```yaml\n[\s\S]*?run: \|\n([\s\S]*?)```/
          .exec(guide)![1]!
          .split('\n')
          .map((l) => l.slice(4))
          .join('\n');
  const r = spawnSync('/bin/sh', ['-c', block.replaceAll('npx corral', 'corral')], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: `${bin}:${join(process.execPath, '..')}:/usr/bin:/bin` },
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('the CI recipes: exit 0 on a clean policy; exit 1 and one line per error otherwise', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'corral-ci-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'corral'),
    `#!/bin/sh\nexec "${process.execPath}" "${join(repo, 'dist/corral.cjs')}" "$@"\n`,
  );
  chmodSync(join(bin, 'corral'), 0o755);
  const dir = join(root, 'ext');
  mkdirSync(dir);
  const manifest = {
    manifestVersion: 1,
    id: 'acme.ci',
    name: 'CI',
    version: '1.0.0',
    publisher: 'acme',
    runtime: 'node',
    main: 'index.js',
    permissions: { fs: [{ path: '${workspace}', access: 'read' }] },
  };
  writeFileSync(join(dir, 'corral.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'index.js'), '');
  for (const which of ['shell', 'github'] as const)
    assert.deepEqual(recipe(which, dir, bin), { status: 0, out: '' }, which);
  manifest.permissions.fs[0]!.path = '${home}/.ssh';
  writeFileSync(join(dir, 'corral.json'), JSON.stringify(manifest, null, 2));
  const shell = recipe('shell', dir, bin);
  assert.equal(shell.status, 1);
  assert.match(
    shell.out,
    /^corral\.json:\d+: error fs-secret-path: "\$\{home\}\/\.ssh" covers SSH keys\n$/,
  );
  const github = recipe('github', dir, bin);
  assert.equal(github.status, 1);
  assert.match(
    github.out,
    /^::error file=corral\.json,line=\d+,title=fs-secret-path::"\$\{home\}\/\.ssh" covers SSH keys; fix: /,
  );
});
