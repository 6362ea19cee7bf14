// `corral pack`: the same folder gives the same bytes (also after its times, modes and inodes
// change), the archive is what GNU tar and the installer read, .corralignore is honoured, a signed
// package installs as signed, and what must never ship is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PackError, packExtension } from '../../../app/author/pack.ts';
import { TarParser, type TarEntry } from '../../../app/package/tar-reader.ts';
import { PACK_MTIME } from '../../../app/package/tar-writer.ts';
import { packCommand, signCommand } from '../../../app/cli/pack.ts';
import { install, sandbox } from '../manager/support.ts';
import { fakeIO, ioOf } from '../cli/fake-io.ts';

const root = mkdtempSync(join(tmpdir(), 'corral-pack-'));

const manifest = {
  manifestVersion: 1,
  id: 'acme.notes',
  name: 'Notes',
  version: '1.2.0',
  publisher: 'acme',
  runtime: 'node',
  main: 'dist/index.js',
  permissions: { fs: [{ path: '${workspace}', access: 'read' }] },
};

/** An extension folder `name`; objects are written as JSON, `null` makes a folder. */
function folder(name: string, files: Record<string, string | object | null> = {}): string {
  const dir = join(root, name);
  const all = {
    'corral.json': manifest,
    'dist/index.js': 'console.log(1)\n',
    'README.md': '# Notes\n',
    ...files,
  };
  for (const [file, body] of Object.entries(all)) {
    if (body === null) {
      mkdirSync(join(dir, file), { recursive: true });
      continue;
    }
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), typeof body === 'string' ? body : JSON.stringify(body));
  }
  return dir;
}

/** The entries of a .tgz as the installer's tar reader sees them. */
function entries(tgz: Buffer): (TarEntry & { data: string })[] {
  const out: (TarEntry & { data: string })[] = [];
  const parser = new TarParser({
    entry: (e) => void out.push({ ...e, data: '' }),
    data: (chunk) => void (out.at(-1)!.data += chunk.toString()),
    entryEnd: () => undefined,
  });
  parser.push(gunzipSync(tgz));
  parser.end();
  return out;
}

test('the same folder packs to the same bytes, also after a touch, a chmod and a rewrite', async () => {
  const dir = folder('same', { 'bin/tool.sh': '#!/bin/sh\n' });
  chmodSync(join(dir, 'bin/tool.sh'), 0o755);
  const first = (await packExtension(dir, '/')).bytes;
  assert.deepEqual((await packExtension(dir, '/')).bytes, first, 'packed twice');
  const later = new Date('2031-05-05T05:05:05Z');
  for (const f of ['corral.json', 'dist/index.js', 'README.md', 'bin/tool.sh', 'dist', 'bin'])
    utimesSync(join(dir, f), later, later);
  chmodSync(join(dir, 'README.md'), 0o600);
  chmodSync(join(dir, 'bin/tool.sh'), 0o700);
  const text = readFileSync(join(dir, 'dist/index.js'));
  rmSync(join(dir, 'dist/index.js'));
  writeFileSync(join(dir, 'dist/index.js'), text); // a new inode, the same contents
  assert.deepEqual((await packExtension(dir, '/')).bytes, first, 'after touch, chmod, rewrite');
  writeFileSync(join(dir, 'README.md'), '# Notes!\n');
  assert.notDeepEqual((await packExtension(dir, '/')).bytes, first, 'the positive control');
});

test('the archive: a fixed gzip header, sorted entries, fixed time, owner and modes; GNU tar agrees', async () => {
  const dir = folder('layout', { 'bin/tool.sh': '#!/bin/sh\n', 'a-b.txt': 'x' });
  chmodSync(join(dir, 'bin/tool.sh'), 0o750);
  const { bytes } = await packExtension(dir, '/');
  assert.deepEqual([...bytes.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff]);
  assert.deepEqual(
    entries(bytes).map((e) => `${e.kind} ${e.name} ${e.executable ? 'x' : '-'}`),
    [
      'file README.md -',
      'file a-b.txt -',
      'dir bin/ x',
      'file bin/tool.sh x',
      'file corral.json -',
      'dir dist/ x',
      'file dist/index.js -',
    ],
  );
  const tgz = join(root, 'layout.tgz');
  writeFileSync(tgz, bytes);
  const listing = execFileSync('tar', ['--utc', '-tvzf', tgz], { encoding: 'utf8' });
  for (const line of listing.trim().split('\n'))
    assert.match(line, /^[-d]rw[-x]r-[-x]r-[-x] 0\/0 +\d+ 1980-01-01 00:00 /, line);
  assert.match(listing, /^-rwxr-xr-x 0\/0 .* bin\/tool\.sh$/m);
  assert.match(listing, /^-rw-r--r-- 0\/0 .* README\.md$/m);
  assert.equal(PACK_MTIME, Date.UTC(1980, 0, 1) / 1000);
});

test('.corralignore and the built-in rules decide what ships; what was left out is reported', async () => {
  const dir = folder('ignored', {
    '.corralignore': '# sources stay home\nsrc/\n*.map\n!keep.map\n',
    'src/index.ts': 'export {}',
    'dist/index.js.map': '{}',
    'keep.map': '{}',
    '.git/HEAD': 'ref: main',
    'corral.sig': '{}',
  });
  const packed = await packExtension(dir, '/');
  assert.deepEqual(
    entries(packed.bytes)
      .filter((e) => e.kind === 'file')
      .map((e) => e.name),
    ['README.md', 'corral.json', 'dist/index.js', 'keep.map'],
  );
  assert.deepEqual(packed.leftOut.sort(), [
    '.corralignore',
    '.git/',
    'corral.sig',
    'dist/index.js.map',
    'src/',
  ]);
  const without = folder('ignores-main', { '.corralignore': 'dist/\n' });
  await assert.rejects(
    packExtension(without, '/'),
    (e: Error) =>
      e instanceof PackError &&
      /\/main: dist\/index\.js does not exist in the extension folder/.test(e.message) &&
      e.message.startsWith(without),
  );
});

test('refused: a private key, a link out of the folder, a FIFO; each in one line naming the file', async () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const keyed = folder('keyed', { 'keys/signing.pem': pem });
  await assert.rejects(packExtension(keyed, '/'), /^Error: keys\/signing\.pem holds a private key/);
  writeFileSync(join(keyed, '.corralignore'), 'keys/\n');
  assert.ok((await packExtension(keyed, '/')).files > 0, 'ignored, it no longer ships');
  const linked = folder('linked');
  writeFileSync(join(root, 'secret.txt'), 'secret');
  symlinkSync(join(root, 'secret.txt'), join(linked, 'secret.txt'));
  await assert.rejects(
    packExtension(linked, '/'),
    /secret\.txt is a symbolic link out of the package/,
  );
  const fifo = folder('fifo');
  execFileSync('mkfifo', [join(fifo, 'pipe')]);
  await assert.rejects(packExtension(fifo, '/'), /pipe is a special file/);
});

test('a signed package installs as signed by its publisher; an unsigned one as unsigned', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const dir = folder('signed');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const signed = await packExtension(dir, '/', { privateKeyPem: pem });
  assert.match(signed.keyId ?? '', /^[0-9a-f]{32}$/);
  assert.deepEqual(
    (await packExtension(dir, '/', { privateKeyPem: pem })).bytes,
    signed.bytes,
    'ed25519 signatures are deterministic, so a signed pack is reproducible too',
  );
  const box = sandbox();
  try {
    const m = box.open();
    m.trustKey(publicKey.export({ type: 'spki', format: 'pem' }) as string, 'acme');
    const outcome = await install(m, box.file('notes-1.2.0.tgz', signed.bytes));
    assert.equal(outcome.status, 'installed');
    assert.deepEqual(m.require('acme.notes').current.signature, {
      status: 'signed',
      keyId: signed.keyId,
      publisher: 'acme',
    });
    m.uninstall('acme.notes', false);
    const plain = await packExtension(dir, '/');
    await install(m, box.file('plain.tgz', plain.bytes));
    assert.deepEqual(m.require('acme.notes').current.signature, { status: 'unsigned' });
  } finally {
    box.cleanup();
  }
});

test('corral pack and corral sign: the file written, one line on success and on refusal', async () => {
  const dir = folder('cli');
  const keyFile = join(root, 'cli-key.pem');
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const fake = fakeIO(dir);
  assert.equal(await packCommand(['.', '--key', keyFile], ...ioOf(fake)), 0, fake.stderr());
  assert.match(
    fake.stdout(),
    /^packed acme\.notes 1\.2\.0 \(3 files, signed with key [0-9a-f]{32}\) into .*\/cli\/acme\.notes-1\.2\.0\.tgz\n {2}files sha256 [0-9a-f]{64}\n$/,
  );
  const first = readFileSync(join(dir, 'acme.notes-1.2.0.tgz'));
  // Packed again from inside the folder: the earlier package is not packed into the new one.
  assert.equal(await packCommand(['.', '--key', keyFile], ...ioOf(fakeIO(dir))), 0);
  assert.deepEqual(readFileSync(join(dir, 'acme.notes-1.2.0.tgz')), first);
  const bad = fakeIO(dir);
  assert.equal(await packCommand(['.', '--key', join(dir, 'README.md')], ...ioOf(bad)), 1);
  assert.equal(
    bad.stderr(),
    'corral pack: the key file is not a PEM private key ("-----BEGIN PRIVATE KEY-----"); fix: give the private key from "corral keygen", not the .pub\n',
  );
  const sign = fakeIO(dir);
  writeFileSync(join(dir, '.corralignore'), '*.tgz\nREADME.md\n');
  assert.equal(await signCommand(['.', '--key', keyFile], ...ioOf(sign)), 0);
  assert.match(
    sign.stdout(),
    /^signed acme\.notes 1\.2\.0 \(files sha256 [0-9a-f]{64}\) in .*corral\.sig\n$/,
  );
  assert.match(
    sign.stderr(),
    /without .*README\.md.*; fix: install the package "corral pack" makes/,
  );
});

test('long paths: split into the ustar prefix, or carried by a pax record; both readers agree', async () => {
  const long = `${'d'.repeat(120)}/${'n'.repeat(90)}.txt`; // fits prefix + name
  const longer = `docs/${'x'.repeat(180)}.txt`; // a name over 100 bytes: pax
  const dir = folder('long', { [long]: 'a', [longer]: 'b' });
  const { bytes } = await packExtension(dir, '/');
  const files = entries(bytes).filter((e) => e.kind === 'file');
  assert.deepEqual(
    files.filter((e) => e.name.length > 100).map((e) => [e.name, e.data]),
    [
      [long, 'a'],
      [longer, 'b'],
    ].sort(([a], [b]) => (a! < b! ? -1 : 1)),
  );
  const tgz = join(root, 'long.tgz');
  writeFileSync(tgz, bytes);
  const listing = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n');
  assert.ok(listing.includes(long) && listing.includes(longer), listing.join('\n'));
});
