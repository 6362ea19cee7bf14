// The mock file system of `corral dev`: copies of a fixture folder, never the fixtures themselves,
// and never the author's real folders unless --workspace names one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixturesError, mockFolders } from '../../../../app/service/dev/mock-folders.ts';

const root = mkdtempSync(join(tmpdir(), 'corral-mock-'));

test('each variable is a copy of its fixture folder, or an empty folder', () => {
  const fixtures = join(root, 'fixtures');
  mkdirSync(join(fixtures, 'documents'), { recursive: true });
  writeFileSync(join(fixtures, 'documents', 'a.txt'), 'mock');
  const m = mockFolders({ scratch: join(root, 's1'), fixtures });
  assert.equal(readFileSync(join(m.vars.documents, 'a.txt'), 'utf8'), 'mock');
  assert.ok(m.vars.documents.startsWith(join(root, 's1')));
  // A write in the session never reaches the fixtures.
  writeFileSync(join(m.vars.documents, 'b.txt'), 'new');
  assert.ok(!existsSync(join(fixtures, 'documents', 'b.txt')));
  assert.ok(existsSync(m.vars.downloads));
  assert.deepEqual(m.roots.sort(), Object.values(m.vars).sort());
  assert.match(m.lines.join('\n'), /\$\{documents\} → .* \(mock: a copy of /);
});

test('--workspace is the one real folder, and the banner says so', () => {
  const real = join(root, 'real-ws');
  mkdirSync(real);
  const m = mockFolders({ scratch: join(root, 's2'), workspace: real });
  assert.equal(m.vars.workspace, real);
  assert.match(m.lines[0]!, /the folder you gave: real files/);
  assert.match(m.lines[1]!, /\(mock: empty\)/);
});

test('--fixtures that is not a folder: one line with the fix', () => {
  assert.throws(
    () => mockFolders({ scratch: join(root, 's3'), fixtures: join(root, 'absent') }),
    (e: unknown) =>
      e instanceof FixturesError &&
      /is not a folder; fix: give a folder with workspace\//.test(e.message),
  );
});
