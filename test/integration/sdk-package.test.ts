// @corral/sdk as an outside author installs it: the tarball Corral writes (the same bytes each
// time) holds a package with no dependencies, whose ES module and CommonJS entries both load
// outside this repository, and whose types check in both module systems with nothing but the
// package and Node's own types.
// nobody-pass: not needed (no sandbox here; it runs once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sdkTarball } from '../../app/author/sdk-package.ts';
import { ErrorCode, PROTOCOL_VERSION } from '../../app/protocol/index.ts';

const repo = new URL('../../', import.meta.url).pathname;

test('the SDK tarball: reproducible, npm’s layout, no dependencies, types that stand alone', async (t) => {
  const first = sdkTarball();
  assert.match(first.name, /^corral-sdk-\d+\.\d+\.\d+\.tgz$/);
  assert.deepEqual(sdkTarball().bytes, first.bytes);

  const project = mkdtempSync(join(tmpdir(), 'corral-sdk-consumer-'));
  t.after(() => rmSync(project, { recursive: true, force: true }));
  const installed = join(project, 'node_modules', '@corral', 'sdk');
  mkdirSync(installed, { recursive: true });
  writeFileSync(join(project, first.name), first.bytes);
  execFileSync('tar', ['-xzf', join(project, first.name), '-C', installed, '--strip-components=1']);

  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  assert.equal(manifest.private, undefined);
  assert.equal(manifest.dependencies, undefined);
  for (const file of readdirSync(join(installed, 'dist')).filter((f) => /\.d\.c?ts$/.test(f))) {
    const text = readFileSync(join(installed, 'dist', file), 'utf8');
    assert.doesNotMatch(text, /from '\.\.\/|from 'zod'/, file);
  }

  // Both entries load from the consumer's folder, where this repository's modules are not.
  const expected = JSON.stringify({
    connect: 'function',
    code: ErrorCode.PermissionDenied,
    v: PROTOCOL_VERSION,
  });
  const probe = `JSON.stringify({ connect: typeof sdk.connect, code: sdk.ErrorCode.PermissionDenied, v: sdk.PROTOCOL_VERSION })`;
  const cjs = execFileSync(
    process.execPath,
    ['-e', `const sdk = require('@corral/sdk'); console.log(${probe})`],
    { cwd: project, encoding: 'utf8' },
  );
  assert.equal(cjs.trim(), expected);
  const esm = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', `import * as sdk from '@corral/sdk'; console.log(${probe})`],
    { cwd: project, encoding: 'utf8' },
  );
  assert.equal(esm.trim(), expected);

  // The types, from an ES module and a CommonJS file, with only @types/node besides the package.
  const use = `
import { connect, PermissionDeniedError, type Corral, type JsonValue } from '@corral/sdk';
export function start(): Corral {
  const corral = connect({ env: {} });
  corral.onCommand('x.count', async (path?: JsonValue) => (await corral.fs.stat(corral.paths.resolve(String(path)))).size);
  return corral;
}
export const refused = (e: unknown) => e instanceof PermissionDeniedError && e.code === -32001;
// @ts-expect-error: the API is typed, so a wrong call does not compile
connect().fs.read(42);
`;
  writeFileSync(join(project, 'use.mts'), use);
  writeFileSync(join(project, 'use.cts'), use);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        types: ['node'],
        typeRoots: [join(repo, 'node_modules/@types')],
      },
      files: ['use.mts', 'use.cts'],
    }),
  );
  execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', project], {
    encoding: 'utf8',
  });
});
