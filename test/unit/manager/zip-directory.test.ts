// The zip directory reader: a well-formed zip is read as written; the shapes that make zip
// readers disagree, or that hide a bomb or a link, are refused with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readZipDirectory } from '../../../app/package/zip-directory.ts';
import { writeFolder, zipArchive, type ZipSpec } from './archives.ts';

function refusal(zip: Buffer): string {
  try {
    readZipDirectory(zip, 100);
  } catch (e) {
    return (e as Error).message;
  }
  return assert.fail('the zip was accepted');
}

test('reads names, kinds, methods, sizes and the executable bit', () => {
  const zip = zipArchive([
    { name: 'pkg/', data: '' },
    { name: 'pkg/corral.json', data: '{"a":1}', method: 'stored' },
    { name: 'pkg/run.sh', data: 'x'.repeat(1000), mode: 0o100755 },
    { name: 'pkg/ünï.txt', data: 'u' },
  ]);
  const entries = readZipDirectory(zip, 100);
  assert.deepEqual(
    entries.map((e) => [e.name, e.kind, e.method, e.size, e.executable]),
    [
      ['pkg/', 'dir', 'stored', 0, true],
      ['pkg/corral.json', 'file', 'stored', 7, false],
      ['pkg/run.sh', 'file', 'deflate', 1000, true],
      ['pkg/ünï.txt', 'file', 'deflate', 1, false],
    ],
  );
  const stored = entries[1]!;
  assert.equal(
    zip.subarray(stored.dataOffset, stored.dataOffset + stored.compressedSize).toString(),
    '{"a":1}',
  );
});

test("reads what Python's zipfile writes", () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-zip-'));
  try {
    writeFolder(join(dir, 'ext'), { 'corral.json': '{}', 'dist/index.js': 'x', 'a b.txt': 'y' });
    execFileSync('python3', ['-m', 'zipfile', '-c', join(dir, 'p.zip'), 'ext'], { cwd: dir });
    const names = readZipDirectory(readFileSync(join(dir, 'p.zip')), 100).map((e) => e.name);
    assert.deepEqual(names.sort(), [
      'ext/',
      'ext/a b.txt',
      'ext/corral.json',
      'ext/dist/',
      'ext/dist/index.js',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refuses links, special files, encryption, other methods and mismatched headers', () => {
  const one = (spec: ZipSpec) => zipArchive([spec]);
  assert.match(
    refusal(one({ name: 'link', data: '/etc/passwd', mode: 0o120777 })),
    /symbolic link/,
  );
  assert.match(refusal(one({ name: 'fifo', mode: 0o010644 })), /special file/);
  assert.match(refusal(one({ name: 'secret', data: 'x', flags: 0x0801 })), /encrypted/);
  assert.match(refusal(one({ name: 'b', data: 'x', methodNumber: 12 })), /compression method 12/);
  assert.match(
    refusal(one({ name: 'safe.txt', data: 'x', localName: '../evil' })),
    /disagrees with the directory/,
  );
  assert.match(refusal(one({ name: 'd/', data: 'x', method: 'stored' })), /carries data/);
  assert.match(
    refusal(one({ name: 's', data: 'abc', method: 'stored', size: 9 })),
    /two different sizes/,
  );
  assert.match(
    refusal(one({ name: 'caf\u00e9', flags: 0 })),
    /non-ASCII name without the UTF-8 flag/,
  );
});

test('refuses overlapping entries, prepended data, ZIP64 and damaged directories', () => {
  const files = [
    { name: 'a.txt', data: 'a'.repeat(100) },
    { name: 'b.txt', data: 'b'.repeat(100) },
  ];
  assert.match(refusal(zipArchive(files, { overlap: true })), /overlaps another entry|disagrees/);
  assert.match(
    refusal(zipArchive(files, { prefix: Buffer.from('#!/bin/sh\nexit 0\n') })),
    /before its first entry/,
  );
  assert.match(refusal(zipArchive(files, { zip64Locator: true })), /ZIP64|between its directory/);
  assert.match(refusal(Buffer.from('not a zip at all')), /not a zip archive/);
  const zip = zipArchive(files);
  const cut = Buffer.concat([zip.subarray(0, 40), zip.subarray(zip.length - 22)]);
  assert.match(refusal(cut), /directory|between/);
  assert.throws(() => readZipDirectory(zipArchive(files), 1), /more than 1 entries/);
});
