// app/protocol is pure (STYLE.md: schemas apart from system code), so the host, the SDKs and the
// fuzzers can all load it: it may import zod, itself and the pure policy schemas, nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../../../app/protocol/', import.meta.url);

test('app/protocol imports only zod, its own files and app/policy', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 0);
  for (const file of files) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const [, spec] of source.matchAll(/(?:from|import)\s+'([^']+)'/g))
      assert.ok(/^(zod|\.\/[\w-]+\.ts|\.\.\/policy\/[\w-]+\.ts)$/.test(spec!), `${file}: ${spec}`);
  }
});
