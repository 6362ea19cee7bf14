// `corral keygen`: an ed25519 pair, the private key for its owner only and never overwritten, never
// inside an extension folder; a warning inside a git work tree; and the key signs a package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keygenCommand } from '../../../app/cli/keygen.ts';
import { packExtension } from '../../../app/author/pack.ts';
import { fakeIO, ioOf } from '../cli/fake-io.ts';

const root = mkdtempSync(join(tmpdir(), 'corral-keygen-'));

test('the default place: ~/.config/corral/keys, the private key 0600, the public key beside it', async () => {
  const home = join(root, 'home');
  const fake = fakeIO(root, { HOME: home });
  assert.equal(await keygenCommand([], ...ioOf(fake)), 0, fake.stderr());
  const key = join(home, '.config/corral/keys/signing-key.pem');
  assert.equal(statSync(key).mode & 0o777, 0o600);
  assert.equal(statSync(join(key, '..')).mode & 0o777, 0o700);
  assert.equal(createPrivateKey(readFileSync(key)).asymmetricKeyType, 'ed25519');
  assert.match(
    readFileSync(join(home, '.config/corral/keys/signing-key.pub'), 'utf8'),
    /BEGIN PUBLIC KEY/,
  );
  assert.match(
    fake.stdout(),
    /^key [0-9a-f]{32}\n {2}private: .*signing-key\.pem \(only you can read it; never put it in an extension folder or in git\)\n/,
  );
  assert.match(
    fake.stdout(),
    /users: corral trust add .*signing-key\.pub --publisher YOUR-PUBLISHER/,
  );
  // XDG_CONFIG_HOME moves it.
  const xdg = fakeIO(root, { HOME: home, XDG_CONFIG_HOME: join(root, 'xdg') });
  assert.equal(await keygenCommand([], ...ioOf(xdg)), 0);
  assert.ok(existsSync(join(root, 'xdg/corral/keys/signing-key.pem')));
});

test('an existing key is never overwritten', async () => {
  const out = join(root, 'once.pem');
  assert.equal(await keygenCommand(['--out', out], ...ioOf(fakeIO(root))), 0);
  const before = readFileSync(out);
  const again = fakeIO(root);
  assert.equal(await keygenCommand(['--out', out], ...ioOf(again)), 1);
  assert.match(
    again.stderr(),
    /^corral keygen: .*once\.pem exists already; fix: choose another file with --out/,
  );
  assert.deepEqual(readFileSync(out), before);
});

test('refused inside an extension folder, at any depth; the folder gets no key file', async () => {
  const ext = join(root, 'my-ext');
  mkdirSync(join(ext, 'keys/deep'), { recursive: true });
  writeFileSync(join(ext, 'corral.json'), '{}');
  for (const out of [
    join(ext, 'key.pem'),
    join(ext, 'keys/deep/key.pem'),
    join(ext, 'new/key.pem'),
  ]) {
    const fake = fakeIO(root);
    assert.equal(await keygenCommand(['--out', out], ...ioOf(fake)), 1, out);
    assert.match(
      fake.stderr(),
      /is inside the extension folder .*my-ext, and a key there can end up in a package; fix: keep the key outside/,
    );
    assert.ok(!existsSync(out), out);
  }
  assert.ok(!existsSync(join(ext, 'new')), 'no folder made for a refused key');
});

test('inside a git work tree: written, with a warning not to commit it', async () => {
  const repo = join(root, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  const fake = fakeIO(root);
  assert.equal(await keygenCommand(['--out', join(repo, 'keys/k.pem')], ...ioOf(fake)), 0);
  assert.match(
    fake.stderr(),
    /^corral keygen: warning: .*k\.pem is inside the git work tree .*repo: never commit it/,
  );
  const outside = fakeIO(root);
  assert.equal(await keygenCommand(['--out', join(root, 'plain/k.pem')], ...ioOf(outside)), 0);
  assert.equal(outside.stderr(), '', 'the positive control: no warning elsewhere');
});

test('the key signs a package, and the package names the same key id', async () => {
  const out = join(root, 'signer.pem');
  const fake = fakeIO(root);
  await keygenCommand(['--out', out], ...ioOf(fake));
  const keyId = /^key ([0-9a-f]{32})/.exec(fake.stdout())![1];
  const dir = join(root, 'ext');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'corral.json'),
    JSON.stringify({
      manifestVersion: 1,
      id: 'acme.x',
      name: 'X',
      version: '1.0.0',
      publisher: 'acme',
      runtime: 'node',
      main: 'index.js',
    }),
  );
  writeFileSync(join(dir, 'index.js'), '');
  const packed = await packExtension(dir, '/', { privateKeyPem: readFileSync(out, 'utf8') });
  assert.equal(packed.keyId, keyId);
});
