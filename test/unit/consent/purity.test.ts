// app/consent and the manager's parsers are pure (STYLE.md: decisions apart from system code), so
// the UI can load the consent text and the fuzzers the parsers: no node:* imports, no fs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const app = new URL('../../../app/', import.meta.url);
const pure = [
  ...readdirSync(new URL('consent/', app)).map((f) => `consent/${f}`),
  'manager/entry-name.ts',
  'manager/package-caps.ts',
  'manager/semver.ts',
  'manager/tar-reader.ts',
  'manager/zip-directory.ts',
];

test('pure modules import only zod, each other and app/policy', () => {
  for (const file of pure) {
    const source = readFileSync(new URL(file, app), 'utf8');
    for (const [, spec] of source.matchAll(/(?:from|import)\s+'([^']+)'/g))
      assert.ok(/^(zod|\.\/[\w-]+\.ts|\.\.\/policy\/[\w-]+\.ts)$/.test(spec!), `${file}: ${spec}`);
  }
});
