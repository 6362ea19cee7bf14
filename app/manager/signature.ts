// Package signatures: a detached corral.sig at the package root, an ed25519 signature over the
// extension's id, version and canonical tree hash (tree-hash.ts), made with a publisher's key and
// checked against the keys the user trusts for that publisher. Format in docs/security.md.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import * as z from 'zod';

export const SIGNATURE_FORMAT = 'corral-signature-v1';
/** corral.sig is a few hundred bytes; anything larger is not one. */
export const MAX_SIGNATURE_BYTES = 4096;

export const signatureFileSchema = z.strictObject({
  format: z.literal(SIGNATURE_FORMAT),
  /** keyIdOf(the public key): which trusted key to check with. */
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  /** base64 of the 64-byte ed25519 signature over signedText(). */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});
export type SignatureFile = z.infer<typeof signatureFileSchema>;

/** What the installer found out about a package's signature. */
export const signatureStatusSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('signed'), keyId: z.string(), publisher: z.string() }),
  z.strictObject({ status: z.literal('unsigned') }),
  /** Signed with a key the user does not trust: it proves nothing, so it counts as unsigned. */
  z.strictObject({ status: z.literal('untrusted'), keyId: z.string() }),
]);
export type SignatureStatus = z.infer<typeof signatureStatusSchema>;

export interface TrustedKey {
  keyId: string;
  /** The only publisher whose packages this key may sign. */
  publisher: string;
  /** SPKI PEM. */
  publicKey: string;
}

/** The exact bytes a signature covers. */
export function signedText(id: string, version: string, treeSha256: string): Buffer {
  return Buffer.from(`${SIGNATURE_FORMAT}\nid ${id}\nversion ${version}\nsha256 ${treeSha256}\n`);
}

/** A key's id: the first 128 bits of the sha256 of its raw 32-byte public key, in hex. */
export function keyIdOf(key: KeyObject): string {
  const raw = Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
  return createHash('sha256').update(raw).digest('hex').slice(0, 32);
}

/** An ed25519 public key from PEM text, or a one-line reason. */
export function parsePublicKey(
  pem: string,
): { ok: true; key: KeyObject } | { ok: false; error: string } {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return { ok: false, error: 'is not a PEM public key ("-----BEGIN PUBLIC KEY-----")' };
  }
  if (key.asymmetricKeyType !== 'ed25519')
    return { ok: false, error: `is a ${key.asymmetricKeyType ?? 'unknown'} key, not ed25519` };
  return { ok: true, key };
}

/** corral.sig's text for a package, signed with an ed25519 private key (PEM). */
export function signPackage(
  privateKeyPem: string,
  id: string,
  version: string,
  treeSha256: string,
): string {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw new Error('the key file is not a PEM private key ("-----BEGIN PRIVATE KEY-----")');
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`the key file holds a ${key.asymmetricKeyType ?? 'unknown'} key, not ed25519`);
  const file: SignatureFile = {
    format: SIGNATURE_FORMAT,
    keyId: keyIdOf(createPublicKey(key)),
    signature: sign(null, signedText(id, version, treeSha256), key).toString('base64'),
  };
  return JSON.stringify(file, null, 2) + '\n';
}

/**
 * Checks corral.sig (`text`, null when the package has none). Unsigned and unknown-key packages
 * pass as such; a malformed signature, one that does not match, or a trusted key used for another
 * publisher's package fails with the reason (the caller refuses the install).
 */
export function checkSignature(
  text: string | null,
  manifest: { id: string; version: string; publisher: string },
  treeSha256: string,
  trusted: readonly TrustedKey[],
): { ok: true; status: SignatureStatus } | { ok: false; error: string } {
  if (text === null) return { ok: true, status: { status: 'unsigned' } };
  let file: SignatureFile;
  try {
    file = signatureFileSchema.parse(JSON.parse(text));
  } catch {
    return {
      ok: false,
      error: `corral.sig is not a ${SIGNATURE_FORMAT} signature file; fix: sign the package again with "corral sign"`,
    };
  }
  const key = trusted.find((k) => k.keyId === file.keyId);
  if (!key) return { ok: true, status: { status: 'untrusted', keyId: file.keyId } };
  if (key.publisher !== manifest.publisher)
    return {
      ok: false,
      error: `corral.sig uses the key of publisher "${key.publisher}" (${key.keyId}) but the manifest says "${manifest.publisher}"`,
    };
  const good = verify(
    null,
    signedText(manifest.id, manifest.version, treeSha256),
    createPublicKey(key.publicKey),
    Buffer.from(file.signature, 'base64'),
  );
  if (!good)
    return {
      ok: false,
      error: `the signature in corral.sig does not match the package (its files, id or version changed after signing)`,
    };
  return { ok: true, status: { status: 'signed', keyId: key.keyId, publisher: key.publisher } };
}

/** "signed by acme (key 1a2b…)", "unsigned", "unsigned (signed with unknown key 1a2b…)". */
export function describeSignature(s: SignatureStatus): string {
  if (s.status === 'signed') return `signed by ${s.publisher} (key ${s.keyId.slice(0, 16)})`;
  if (s.status === 'untrusted') return `unsigned (signed with unknown key ${s.keyId.slice(0, 16)})`;
  return 'unsigned';
}
