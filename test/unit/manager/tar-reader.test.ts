// The tar reader: what tar writes comes back exactly, however the bytes are chunked; links,
// devices and malformed archives are refused with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { TarParser, type TarEntry } from '../../../app/package/tar-reader.ts';
import { tarArchive, writeFolder, type TarSpec } from './archives.ts';

interface Read {
  entry: TarEntry;
  data: string;
}

function read(archive: Buffer, chunk = archive.length): Read[] {
  const out: Read[] = [];
  const parser = new TarParser({
    entry: (entry) => out.push({ entry, data: '' }),
    data: (c) => (out[out.length - 1]!.data += c.toString('utf8')),
    entryEnd: () => {},
  });
  for (let off = 0; off < archive.length; off += chunk)
    parser.push(archive.subarray(off, off + chunk));
  parser.end();
  return out;
}

function refusal(archive: Buffer): string {
  try {
    read(archive);
  } catch (e) {
    return (e as Error).message;
  }
  return assert.fail('the archive was accepted');
}

test('reads files, folders, the executable bit, pax paths and GNU long names', () => {
  const long = 'deep/' + 'x'.repeat(150) + '.js';
  const entries = read(
    tarArchive([
      { name: 'pkg/', type: '5' },
      { name: 'pkg/corral.json', data: '{}' },
      { name: 'pkg/run.sh', data: '#!/bin/sh\n', mode: 0o755 },
      { name: 'short', data: 'pax wins', pax: { path: 'pax/name.txt', mtime: '1.5' } },
      { name: long, data: 'long', longName: true },
    ]),
  );
  assert.deepEqual(
    entries.map((e) => [e.entry.name, e.entry.kind, e.entry.executable, e.data]),
    [
      ['pkg/', 'dir', true, ''],
      ['pkg/corral.json', 'file', false, '{}'],
      ['pkg/run.sh', 'file', true, '#!/bin/sh\n'],
      ['pax/name.txt', 'file', false, 'pax wins'],
      [long, 'file', false, 'long'],
    ],
  );
});

test('reads what GNU tar writes, in every format it offers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-tar-'));
  // Longer than ustar's 100-byte name field: each format stores it its own way.
  const deep = 'a'.repeat(60) + '/' + 'b'.repeat(60) + '/deep.txt';
  try {
    writeFolder(join(dir, 'src'), {
      'corral.json': '{"a":1}',
      [deep]: 'deep',
      'ünïcode.txt': 'utf8 name',
    });
    for (const format of ['gnu', 'ustar', 'pax', 'posix']) {
      const archive = execFileSync('tar', [
        '-c',
        `--format=${format}`,
        '-C',
        join(dir, 'src'),
        '.',
      ]);
      const files = read(archive, 777).filter((e) => e.entry.kind === 'file');
      const byName = Object.fromEntries(
        files.map((e) => [e.entry.name.replace(/^\.\//, ''), e.data]),
      );
      assert.deepEqual(
        byName,
        { 'corral.json': '{"a":1}', [deep]: 'deep', 'ünïcode.txt': 'utf8 name' },
        format,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('property: any tree of files comes back the same, whatever the chunk size', () => {
  const name = fc.stringMatching(/^[a-z0-9._-]{1,40}$/).filter((n) => n !== '.' && n !== '..');
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(name, fc.string({ maxLength: 1500 })), {
        selector: (t) => t[0],
        maxLength: 8,
      }),
      fc.integer({ min: 1, max: 2000 }),
      (files, chunk) => {
        const specs: TarSpec[] = files.map(([n, data]) => ({ name: `d/${n}`, data }));
        const got = read(tarArchive(specs), chunk);
        assert.deepEqual(
          got.map((e) => [e.entry.name, e.data]),
          files.map(([n, data]) => [`d/${n}`, data]),
        );
      },
    ),
  );
});

test('refuses links, devices, FIFOs and other entry types', () => {
  const cases: [TarSpec, RegExp][] = [
    [{ name: 'evil', type: '2', linkname: '/etc/passwd' }, /is a symbolic link/],
    [{ name: 'evil', type: '1', linkname: 'corral.json' }, /is a hard link/],
    [{ name: 'tty', type: '3' }, /character device/],
    [{ name: 'disk', type: '4' }, /block device/],
    [{ name: 'pipe', type: '6' }, /FIFO/],
    [{ name: 'sparse', type: 'S' }, /sparse/],
    [{ name: 'what', type: 'Z' }, /unknown type "Z"/],
    [{ name: 'dir', type: '5', data: 'x' }, /carries data/],
  ];
  for (const [spec, want] of cases) assert.match(refusal(tarArchive([spec])), want, spec.name);
});

test('refuses damaged, truncated and padded-with-a-second-tree archives', () => {
  const good = tarArchive([{ name: 'a', data: 'hello' }]);
  assert.match(refusal(tarArchive([{ name: 'a', data: 'x', badChecksum: true }])), /checksum/);
  assert.match(refusal(good.subarray(0, good.length - 512)), /truncated/);
  assert.match(refusal(good.subarray(0, 700)), /truncated/);
  assert.match(refusal(tarArchive([{ name: 'a' }], { end: false })), /truncated/);
  assert.match(
    refusal(Buffer.concat([good, tarArchive([{ name: 'hidden', data: 'x' }])])),
    /data after its end-of-archive marker/,
  );
  const notTar = Buffer.alloc(1024, 0x41);
  assert.match(refusal(notTar), /checksum|not a POSIX/);
  const binarySize = tarArchive([{ name: 'a', data: 'x' }]);
  binarySize[124] = 0x80;
  assert.match(refusal(binarySize), /binary form|checksum/);
  assert.match(
    refusal(tarArchive([{ name: 'g', type: 'g', data: '16 path=../evil\n' }])),
    /global header that sets "path"/,
  );
  assert.match(refusal(tarArchive([{ name: 'a', pax: { size: 'lots' }, data: 'x' }])), /pax size/);
});
