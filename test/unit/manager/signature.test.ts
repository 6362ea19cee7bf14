// corral.sig: made by a publisher's key, checked against the keys the user trusts for that publisher.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  checkSignature,
  keyIdOf,
  signPackage,
  type TrustedKey,
} from '../../../app/manager/signature.ts';

const sha = 'a'.repeat(64);
const manifest = { id: 'acme.sample', version: '1.0.0', publisher: 'acme' };

function publisher(name: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const trusted: TrustedKey = {
    keyId: keyIdOf(publicKey),
    publisher: name,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  return { trusted, privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

test('a signature by a trusted key of the publisher verifies; anything changed fails', () => {
  const acme = publisher('acme');
  const sig = signPackage(acme.privatePem, manifest.id, manifest.version, sha);
  assert.deepEqual(checkSignature(sig, manifest, sha, [acme.trusted]), {
    ok: true,
    status: { status: 'signed', keyId: acme.trusted.keyId, publisher: 'acme' },
  });
  const fails = (m: typeof manifest, tree: string) => {
    const r = checkSignature(sig, m, tree, [acme.trusted]);
    assert.equal(r.ok, false);
    return (r as { error: string }).error;
  };
  assert.match(fails(manifest, 'b'.repeat(64)), /does not match the package/);
  assert.match(fails({ ...manifest, version: '1.0.1' }, sha), /does not match/);
  assert.match(fails({ ...manifest, id: 'acme.other' }, sha), /does not match/);
});

test("a key trusted for another publisher cannot sign this one's packages", () => {
  const evil = publisher('evil');
  const sig = signPackage(evil.privatePem, manifest.id, manifest.version, sha);
  const r = checkSignature(sig, manifest, sha, [evil.trusted]);
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /key of publisher "evil" .* manifest says "acme"/);
});

test('no signature is unsigned; an unknown key is untrusted; a malformed file is refused', () => {
  const acme = publisher('acme');
  assert.deepEqual(checkSignature(null, manifest, sha, []), {
    ok: true,
    status: { status: 'unsigned' },
  });
  const sig = signPackage(acme.privatePem, manifest.id, manifest.version, sha);
  assert.deepEqual(checkSignature(sig, manifest, sha, []), {
    ok: true,
    status: { status: 'untrusted', keyId: acme.trusted.keyId },
  });
  for (const text of ['', 'not json', '{}', JSON.stringify({ ...JSON.parse(sig), extra: 1 })]) {
    const r = checkSignature(text, manifest, sha, [acme.trusted]);
    assert.equal(r.ok, false, text);
    assert.match((r as { error: string }).error, /not a corral-signature-v1 signature file/);
  }
  const flipped = JSON.parse(sig) as { signature: string };
  flipped.signature = (flipped.signature[0] === 'A' ? 'B' : 'A') + flipped.signature.slice(1);
  const r = checkSignature(JSON.stringify(flipped), manifest, sha, [acme.trusted]);
  assert.equal(r.ok, false);
});

test('signing refuses a key that is not ed25519', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.throws(() => signPackage(pem, 'a.b', '1.0.0', sha), /not ed25519/);
  assert.throws(() => signPackage('garbage', 'a.b', '1.0.0', sha), /not a PEM private key/);
});
