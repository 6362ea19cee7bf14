// Installing packages through the manager API: good folders and archives install the same tree;
// every hostile or broken package is refused with one line, and leaves nothing behind.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CAPS } from '../../../app/package/package-caps.ts';
import {
  extensionFiles,
  gzip,
  tarArchive,
  tarOf,
  writeFolder,
  zipArchive,
  zipOf,
  type TarSpec,
  type ZipSpec,
} from './archives.ts';
import { install, refusal, sandbox, type Sandbox } from './support.ts';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

const files = extensionFiles({}, { 'bin/tool': '#!/bin/sh\necho hi\n', 'README.md': '# Sample\n' });

test('a folder, a .tgz, a .tar and a .zip of one extension install the same files', async () => {
  const folder = writeFolder(join(box.root, 'src'), files);
  execFileSync('chmod', ['+x', join(folder, 'bin/tool')]);
  const tgz = box.file(
    'sample.tgz',
    gzip(
      tarArchive(
        tarOf(files, 'package/').map((e) => ({
          ...e,
          mode: e.name.endsWith('tool') ? 0o755 : 0o644,
        })),
      ),
    ),
  );
  const tar = box.file('sample.tar', execFileSync('tar', ['-c', '-C', folder, '.']));
  const zip = box.file(
    'sample.zip',
    zipArchive(
      zipOf(files).map((e): ZipSpec => (e.name === 'bin/tool' ? { ...e, mode: 0o100755 } : e)),
    ),
  );
  const hashes = new Set<string>();
  for (const pkg of [folder, tgz, tar, zip]) {
    const m = box.open();
    const outcome = await install(m, pkg);
    assert.equal(outcome.status, 'installed', pkg);
    const record = m.require('acme.sample');
    hashes.add(record.current.contentSha256);
    const dir = m.dirOf(record.current);
    assert.equal(dir, join(box.extensions, 'acme.sample', '1.0.0'));
    assert.equal(readFileSync(join(dir, 'corral.json'), 'utf8'), files['corral.json']);
    assert.ok(statSync(join(dir, 'bin/tool')).mode & 0o100, `${pkg}: the executable bit is kept`);
    assert.equal(statSync(join(dir, 'README.md')).mode & 0o111, 0);
    assert.equal(record.current.signature.status, 'unsigned');
    assert.equal(record.current.format, pkg.endsWith('src') ? 'folder' : pkg.split('.').pop());
    assert.match(record.current.packageSha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(box.onDisk(), ['acme.sample/1.0.0']);
    assert.ok(!box.onDisk().some((p) => p.startsWith('.staging/')), 'nothing left in staging');
    m.uninstall('acme.sample', false);
  }
  assert.equal(hashes.size, 1, 'one tree hash, whatever the package format');
});

/** Installs `pkg` and expects a refusal matching `want`, with nothing installed or left over. */
async function refused(pkg: string, want: RegExp, caps = DEFAULT_CAPS): Promise<string> {
  const m = box.open(caps);
  const message = await refusal(install(m, pkg));
  assert.match(message, want, pkg);
  assert.ok(!message.includes('\n'), 'one line');
  assert.deepEqual(m.list(), []);
  assert.deepEqual(box.onDisk(), [], `nothing on disk after ${pkg}`);
  return message;
}

test('archives that write outside the package, or hold links and devices, are refused', async () => {
  const good = tarOf(files);
  const tars: [string, TarSpec[], RegExp][] = [
    [
      'slip',
      [...good, { name: '../evil.js', data: 'x' }],
      /entry "..\/evil.js" leaves the package/,
    ],
    ['deep-slip', [...good, { name: 'dist/../../../evil.js', data: 'x' }], /leaves the package/],
    ['absolute', [...good, { name: '/tmp/corral-evil.js', data: 'x' }], /is an absolute path/],
    ['backslash', [...good, { name: '..\\evil.js', data: 'x' }], /backslash/],
    [
      'symlink',
      [...good, { name: 'dist/link', type: '2', linkname: '/etc/passwd' }],
      /is a symbolic link/,
    ],
    [
      'hardlink',
      [...good, { name: 'dist/link', type: '1', linkname: 'corral.json' }],
      /is a hard link/,
    ],
    ['device', [...good, { name: 'dev', type: '3' }], /character device/],
    ['duplicate', [...good, { name: 'dist/index.js', data: 'second copy' }], /appears twice/],
    ['case twins', [...good, { name: 'Corral.json', data: '{}' }], /differ only in letter case/],
    ['file over folder', [...good, { name: 'dist', data: 'x' }], /both a file and a folder/],
    [
      'pax slip',
      [...good, { name: 'ok.js', data: 'x', pax: { path: '../evil.js' } }],
      /leaves the package/,
    ],
  ];
  for (const [name, entries, want] of tars)
    await refused(box.file(`${name}.tgz`, gzip(tarArchive(entries))), want);
  assert.ok(!existsSync(join(box.root, 'evil.js')) && !existsSync('/tmp/corral-evil.js'));
  assert.ok(!existsSync(join(box.extensions, 'evil.js')));

  const zips: [string, ZipSpec[], RegExp][] = [
    ['slip', [...zipOf(files), { name: '../../evil.js', data: 'x' }], /leaves the package/],
    ['absolute', [...zipOf(files), { name: '/tmp/corral-evil.js', data: 'x' }], /absolute path/],
    ['backslash', [...zipOf(files), { name: 'dist\\..\\..\\evil.js', data: 'x' }], /backslash/],
    ['drive', [...zipOf(files), { name: 'C:/evil.js', data: 'x' }], /drive letter/],
    ['nul', [...zipOf(files), { name: 'evil.js\0.txt', data: 'x' }], /NUL/],
    [
      'symlink',
      [...zipOf(files), { name: 'dist/link', data: '/etc/passwd', mode: 0o120777 }],
      /symbolic link/,
    ],
    ['encrypted', [...zipOf(files), { name: 'secret', data: 'x', flags: 0x0801 }], /encrypted/],
    ['case twins', [...zipOf(files), { name: 'DIST/index.js', data: 'x' }], /letter case/],
  ];
  for (const [name, entries, want] of zips)
    await refused(box.file(`${name}.zip`, zipArchive(entries)), want);
});

test('folders with links out, hard links or special files are refused; links inside are copied', async () => {
  const outside = box.file('secret.txt', 'not for extensions');
  const cases: [string, (dir: string) => void, RegExp][] = [
    [
      'link-out',
      (d) => symlinkSync(outside, join(d, 'dist/secret.txt')),
      /symbolic link out of the package/,
    ],
    [
      'link-up',
      (d) => symlinkSync('../..', join(d, 'dist/up')),
      /symbolic link out of the package/,
    ],
    [
      'link-dangling',
      (d) => symlinkSync('nowhere', join(d, 'dangling')),
      /symbolic link to nothing/,
    ],
    ['link-dir', (d) => symlinkSync('dist', join(d, 'alias')), /symbolic link to a folder/],
    ['hardlink', (d) => linkSync(outside, join(d, 'dist/hard.txt')), /has 2 hard links/],
    ['fifo', (d) => execFileSync('mkfifo', [join(d, 'pipe')]), /special file/],
  ];
  for (const [name, spoil, want] of cases) {
    const dir = writeFolder(join(box.root, name), files);
    spoil(dir);
    await refused(dir, want);
  }
  const dir = writeFolder(join(box.root, 'inner-link'), files);
  symlinkSync('index.js', join(dir, 'dist/main.js'));
  const m = box.open();
  assert.equal((await install(m, dir)).status, 'installed');
  const copy = join(m.dirOf(m.require('acme.sample').current), 'dist/main.js');
  assert.ok(statSync(copy).isFile() && !existsSync(copy + '.lnk'));
  assert.equal(readFileSync(copy, 'utf8'), files['dist/index.js']);
});

test('oversized archives, too many entries and decompression bombs are refused as bytes arrive', async () => {
  const sparse = box.file('huge.tgz', gzip(tarArchive(tarOf(files))));
  truncateSync(sparse, DEFAULT_CAPS.archiveBytes + 1);
  await refused(sparse, /larger than 64 MiB \(the cap per archive\)/);

  const zeros = Buffer.alloc(20 * 1024 * 1024);
  await refused(
    box.file('bomb.tgz', gzip(tarArchive([...tarOf(files), { name: 'zeros.bin', data: zeros }]))),
    /expands more than 100 times \(a decompression bomb\)/,
  );
  await refused(
    box.file('bomb.zip', zipArchive([...zipOf(files), { name: 'zeros.bin', data: zeros }])),
    /"zeros.bin" expands more than 100 times/,
  );
  await refused(
    box.file(
      'liar.zip',
      zipArchive([...zipOf(files), { name: 'liar.bin', data: 'x'.repeat(5000), size: 1000 }]),
    ),
    /"liar.bin" expands beyond the 1000 bytes its header claims/,
  );

  const small = { ...DEFAULT_CAPS, fileBytes: 1000, totalBytes: 3000, entries: 20 };
  await refused(
    box.file(
      'big-file.tgz',
      gzip(tarArchive([...tarOf(files), { name: 'big', data: 'y'.repeat(1001) }])),
    ),
    /"big" is larger than 1000 bytes \(the cap per file\)/,
    small,
  );
  await refused(
    box.file(
      'big-file.zip',
      zipArchive([...zipOf(files), { name: 'big', data: 'y'.repeat(1001) }]),
    ),
    /"big" is larger than 1000 bytes/,
    small,
  );
  const many = Array.from({ length: 4 }, (_, i) => ({ name: `f${i}`, data: 'z'.repeat(900) }));
  await refused(
    box.file('total.tgz', gzip(tarArchive([...tarOf(files), ...many]))),
    /holds more than 3 KiB of files \(the cap per package\)/,
    small,
  );
  const entries = Array.from({ length: 8 }, (_, i) => ({ name: `e${i}`, data: 'e' }));
  const few = { ...DEFAULT_CAPS, entries: 10 };
  await refused(
    box.file('entries.zip', zipArchive([...zipOf(files), ...entries])),
    /more than 10 entries/,
    few,
  );
  await refused(
    box.file('entries.tgz', gzip(tarArchive([...tarOf(files), ...entries]))),
    /more than 10 entries/,
    few,
  );
});

test('bad manifests, missing files and mislabelled archives are refused', async () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['no-manifest', { 'dist/index.js': 'x' }, /has no corral.json at its root/],
    [
      'typo',
      extensionFiles({ permisions: {} }),
      /unknown key "permisions"; fix: did you mean "permissions"\?/,
    ],
    ['bad-id', extensionFiles({ id: 'Acme Sample' }), /is not an extension id/],
    [
      'no-main',
      { 'corral.json': extensionFiles()['corral.json']! },
      /dist\/index.js does not exist/,
    ],
    ['main-up', extensionFiles({ main: '../outside.js' }), /leaves the package/],
    ['not-exec', extensionFiles({ runtime: 'exec' }), /is not executable/],
    ['bad-json', { 'corral.json': '{ "manifestVersion": 1,' }, /corral.json/],
  ];
  for (const [name, tree, want] of cases) {
    const msg = await refused(box.file(`${name}.tgz`, gzip(tarArchive(tarOf(tree)))), want);
    assert.ok(!msg.includes('.staging'), `${msg}: names the package, not the staging folder`);
  }
  await refused(
    box.file('wrong.zip', gzip(tarArchive(tarOf(files)))),
    /is named like a .zip but holds a tgz archive/,
  );
  await refused(box.file('notes.txt', 'hello'), /is not a .tgz, .tar or .zip archive/);
  await refused(join(box.root, 'missing.tgz'), /does not exist/);
  const damaged = gzip(tarArchive(tarOf(files)));
  damaged[damaged.length - 12] = damaged[damaged.length - 12]! ^ 0xff;
  await refused(box.file('damaged.tgz', damaged), /damaged|checksum|truncated/);
});

test('a package wrapped in one folder installs from inside it; two folders are not unwrapped', async () => {
  const m = box.open();
  assert.equal(
    (await install(m, box.file('wrapped.tgz', gzip(tarArchive(tarOf(files, 'sample-1.0.0/'))))))
      .status,
    'installed',
  );
  m.uninstall('acme.sample', false);
  mkdirSync(join(box.root, 'two'));
  await refused(
    box.file('two.tgz', gzip(tarArchive([...tarOf(files, 'a/'), { name: 'b/x', data: 'x' }]))),
    /no corral.json at its root/,
  );
});
