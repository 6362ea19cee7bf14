// The manager API after a package is accepted: consent, signatures and trust, updates with a
// permission diff and a pending state, rollback, enable/disable, uninstall, revoke, quarantine,
// and the clean-up of what an interrupted corral left on disk.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyRules } from '../../../app/consent/grants.ts';
import { extensionDataDir, managerStateFile } from '../../../app/platform/corral-dirs.ts';
import { openStateDb, readExtension, writeExtension } from '../../../app/manager/state-db.ts';
import { signPackage } from '../../../app/manager/signature.ts';
import { hashTree } from '../../../app/manager/tree-hash.ts';
import { extensionFiles, writeFolder } from './archives.ts';
import { install, refusal, sandbox, type Sandbox } from './support.ts';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

let folders = 0;
/** An extension folder with the manifest patched. */
function ext(patch: Record<string, unknown> = {}, extra: Record<string, string> = {}): string {
  return writeFolder(join(box.root, `ext${folders++}`), extensionFiles(patch, extra));
}

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** Signs a folder in place the way `corral sign` does. */
function sign(dir: string, privatePem: string, id = 'acme.sample', version = '1.0.0'): void {
  writeFileSync(join(dir, 'corral.sig'), signPackage(privatePem, id, version, hashTree(dir)));
}

test('without consent a new install installs nothing; prepare alone installs nothing either', async () => {
  const m = box.open();
  assert.deepEqual(await install(m, ext(), false), { status: 'refused' });
  const prepared = await m.prepare(ext(), '/');
  assert.equal(prepared.kind, 'install');
  assert.equal(prepared.needsConsent, true);
  assert.deepEqual(
    prepared.summary.map((i) => [i.sentence, i.risk]),
    [['Read files in your workspace (the folder you open)', 'low']],
  );
  m.discard(prepared);
  assert.deepEqual(m.list(), []);
  assert.deepEqual(box.onDisk(), []);
});

test('signatures: trusted and good → signed; changed after signing → refused; unknown key → untrusted', async () => {
  const m = box.open();
  const acme = keyPair();
  const key = m.trustKey(acme.publicPem, 'acme');
  assert.deepEqual(
    m.trustedKeys().map((k) => [k.keyId, k.publisher]),
    [[key.keyId, 'acme']],
  );

  const signed = ext();
  sign(signed, acme.privatePem);
  assert.equal((await install(m, signed)).status, 'installed');
  assert.deepEqual(m.require('acme.sample').current.signature, {
    status: 'signed',
    keyId: key.keyId,
    publisher: 'acme',
  });
  m.uninstall('acme.sample', false);

  const tampered = ext();
  sign(tampered, acme.privatePem);
  writeFileSync(join(tampered, 'dist/index.js'), '// changed after signing\n');
  assert.match(
    await refusal(install(m, tampered)),
    /signature in corral.sig does not match the package .* the package is refused/,
  );
  assert.deepEqual(box.onDisk(), []);

  const stranger = keyPair();
  const unknown = ext();
  sign(unknown, stranger.privatePem);
  assert.equal((await install(m, unknown)).status, 'installed');
  assert.equal(m.require('acme.sample').current.signature.status, 'untrusted');
  m.uninstall('acme.sample', false);

  const other = m.trustKey(stranger.publicPem, 'evil');
  assert.match(await refusal(install(m, unknown)), /key of publisher "evil"/);
  m.untrustKey(other.keyId.slice(0, 8));
  assert.equal(m.trustedKeys().length, 1);
  assert.throws(() => m.untrustKey('abc'), /no trusted key has the id/);
  assert.throws(() => m.trustKey('not a key', 'acme'), /not a PEM public key/);
  assert.throws(() => m.trustKey(acme.publicPem, 'Not A Publisher'), /not a publisher name/);

  m.setRequireSigned(true);
  assert.match(
    await refusal(install(m, ext())),
    /is unsigned, and this Corral installs signed packages only/,
  );
  assert.equal((await install(m, signed)).status, 'installed');
});

test('an update of a signed extension must be signed for the same publisher', async () => {
  const m = box.open();
  const acme = keyPair();
  m.trustKey(acme.publicPem, 'acme');
  const v1 = ext();
  sign(v1, acme.privatePem);
  await install(m, v1);
  assert.match(
    await refusal(install(m, ext({ version: '1.1.0' }))),
    /is signed by acme .* this update is unsigned/,
  );
  const v2 = ext({ version: '1.1.0' });
  sign(v2, acme.privatePem, 'acme.sample', '1.1.0');
  assert.equal((await install(m, v2)).status, 'updated');
});

test('an update without new permissions applies; one with new permissions waits for consent', async () => {
  const m = box.open();
  await install(
    m,
    ext({
      permissions: { fs: [{ path: '${workspace}', access: 'write' }], process: { spawn: true } },
    }),
  );

  const narrower = await m.prepare(ext({ version: '1.1.0' }), '/');
  assert.equal(narrower.kind, 'update');
  assert.equal(narrower.needsConsent, false);
  assert.deepEqual(
    narrower.diff!.grants.map((g) => g.change),
    ['narrowed', 'removed'],
  );
  assert.equal(m.commit(narrower, false).status, 'updated');

  const wider = await m.prepare(
    ext({
      version: '1.2.0',
      permissions: {
        fs: [{ path: '${workspace}', access: 'read' }],
        net: [{ host: 'api.github.com' }],
      },
      limits: { memoryMB: 1024 },
    }),
    '/',
  );
  assert.equal(wider.needsConsent, true);
  assert.deepEqual(
    wider.diff!.grants.map((g) => `${g.change}: ${g.item.sentence}`),
    ['added: Connect to api.github.com (HTTPS, port 443)'],
  );
  assert.deepEqual(wider.diff!.limits, [{ limit: 'memoryMB', from: 512, to: 1024, raised: true }]);
  assert.equal(m.commit(wider, false).status, 'pending');
  let r = m.require('acme.sample');
  assert.equal(r.current.version, '1.1.0', 'the installed version stays in use');
  assert.equal(r.pending?.version, '1.2.0');
  assert.equal(r.pending?.consentedAt, null);
  assert.deepEqual(policyRules(m.policyFor(r)), ['read ${workspace}']);
  assert.deepEqual(box.onDisk(), ['acme.sample/1.0.0', 'acme.sample/1.1.0', 'acme.sample/1.2.0']);

  const review = m.pendingReview('acme.sample');
  assert.equal(review.diff.needsConsent, true);
  assert.throws(() => m.approvePending('acme.sample', '9.9.9'), /no longer 9.9.9/);
  r = m.approvePending('acme.sample', '1.2.0');
  assert.equal(r.current.version, '1.2.0');
  assert.equal(r.previous?.version, '1.1.0');
  assert.equal(r.pending, null);
  assert.ok(r.current.consentedAt);
  assert.deepEqual(
    box.onDisk(),
    ['acme.sample/1.1.0', 'acme.sample/1.2.0'],
    'the version before the previous one is gone',
  );

  r = m.rollback('acme.sample');
  assert.equal(r.current.version, '1.1.0');
  assert.equal(r.previous, null, 'rolled back from: not kept as a way forward');
  assert.deepEqual(box.onDisk(), ['acme.sample/1.1.0'], 'the newer folder is gone');
  // Rollback goes back only: a second one has nothing older, says so, and changes nothing.
  assert.throws(
    () => m.rollback('acme.sample'),
    /^ManagerError: acme\.sample 1\.1\.0 is the oldest version kept, so there is nothing older to roll back to; nothing changed; fix: install the version you want \(an older one after "corral uninstall acme\.sample --keep-data"\)$/,
  );
  assert.equal(m.require('acme.sample').current.version, '1.1.0');

  assert.equal(
    m.commit(
      await m.prepare(ext({ version: '1.3.0', permissions: { process: { spawn: true } } }), '/'),
      false,
    ).status,
    'pending',
  );
  m.rejectPending('acme.sample');
  assert.equal(m.require('acme.sample').pending, null);
  assert.deepEqual(box.onDisk(), ['acme.sample/1.1.0']);
  assert.throws(() => m.rejectPending('acme.sample'), /no update waiting/);
});

test('the same version with the same files is unchanged; other files, or an older version, are refused', async () => {
  const m = box.open();
  const dir = ext({ version: '2.0.0' });
  await install(m, dir);
  assert.equal((await install(m, dir)).status, 'unchanged');
  assert.match(
    await refusal(install(m, ext({ version: '2.0.0' }, { 'extra.txt': 'x' }))),
    /2.0.0 is installed already, with other files/,
  );
  assert.match(
    await refusal(install(m, ext({ version: '1.9.0' }))),
    /older than the installed 2.0.0; fix: "corral rollback acme.sample"/,
  );
  assert.throws(() => m.rollback('acme.sample'), /2\.0\.0 is the oldest version kept/);
  assert.deepEqual(box.onDisk(), ['acme.sample/2.0.0']);
});

test('a state left by an older Corral, whose previous version is the newer one, does not roll forward', async () => {
  const m = box.open();
  await install(m, ext({ version: '1.0.0' }));
  await install(m, ext({ version: '1.1.0' }));
  // Before issue 13 a rollback swapped the two versions: 1.0.0 current, 1.1.0 "previous".
  const db = openStateDb(managerStateFile(box.env));
  const swapped = readExtension(db, 'acme.sample')!;
  writeExtension(db, { ...swapped, current: swapped.previous!, previous: swapped.current });
  db.close();
  assert.throws(() => m.rollback('acme.sample'), /1\.0\.0 is the oldest version kept/);
  assert.equal(m.require('acme.sample').current.version, '1.0.0');
});

test('enable, disable, and uninstall with or without the data folder', async () => {
  const m = box.open();
  await install(m, ext());
  assert.equal(m.setEnabled('acme.sample', false).enabled, false);
  assert.equal(m.setEnabled('acme.sample', true).enabled, true);
  const data = extensionDataDir(box.env, 'acme.sample');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'notes.txt'), 'keep me');
  m.uninstall('acme.sample', true);
  assert.equal(m.get('acme.sample'), null);
  assert.deepEqual(box.onDisk(), []);
  assert.ok(existsSync(join(data, 'notes.txt')), '--keep-data keeps it');
  await install(m, ext());
  m.uninstall('acme.sample', false);
  assert.ok(!existsSync(data));
  assert.throws(() => m.uninstall('acme.sample', false), /acme.sample is not installed/);
  assert.throws(() => m.setEnabled('acme.nothing', true), /not installed/);
});

test('revoke takes a grant out of the next policy; unknown rules list the grants; undo restores', async () => {
  const m = box.open();
  await install(
    m,
    ext({
      permissions: {
        fs: [{ path: '${workspace}', access: 'read' }],
        net: [{ host: 'api.github.com', ports: [443, 8443] }],
      },
      optionalPermissions: { fs: [{ path: '${downloads}', access: 'read' }] },
    }),
  );
  const r = m.revoke('acme.sample', 'connect api.github.com:8443');
  assert.equal(r.rule, 'connect api.github.com:8443');
  assert.deepEqual(r.labels, ['net[0]']);
  assert.deepEqual(policyRules(m.policyFor(r.record)), [
    'read ${workspace}',
    'connect api.github.com:443',
    'optional read ${downloads}',
  ]);
  m.revoke('acme.sample', 'read ${downloads}');
  assert.deepEqual(policyRules(m.policyFor(m.require('acme.sample'))), [
    'read ${workspace}',
    'connect api.github.com:443',
  ]);
  assert.throws(
    () => m.revoke('acme.sample', 'read ${downloads}'),
    /has no grant "read \$\{downloads\}" \(it is revoked already\)/,
  );
  assert.throws(
    () => m.revoke('acme.sample', 'read ${home}'),
    /its grants: read \$\{workspace\}, connect api.github.com:443/,
  );
  assert.throws(() => m.revoke('acme.sample', 'limit memory 1MB'), /is a limit, not a grant/);
  m.unrevoke('acme.sample', 'read ${downloads}');
  assert.deepEqual(m.require('acme.sample').revoked, ['connect api.github.com:8443']);
  assert.throws(() => m.unrevoke('acme.sample', 'spawn'), /no revoked grant "spawn"/);
});

test('allow-always answers become required grants on the next start', async () => {
  const m = box.open();
  await install(
    m,
    ext({
      optionalPermissions: {
        fs: [{ path: '${downloads}', access: 'read' }],
        process: { spawn: true },
      },
    }),
  );
  m.recordAllowedAlways('acme.sample', ['read ${downloads}']);
  assert.deepEqual(policyRules(m.policyFor(m.require('acme.sample'))), [
    'read ${workspace}',
    'read ${downloads}',
    'optional spawn',
  ]);
});

test('quarantine disables, revokes optional grants and allow-always answers, flags, and keeps files', async () => {
  const m = box.open();
  await install(
    m,
    ext({
      optionalPermissions: {
        fs: [{ path: '${downloads}', access: 'read' }],
        ipc: [{ channel: 'a.b', access: 'both' }],
      },
    }),
  );
  m.recordAllowedAlways('acme.sample', ['read ${downloads}']);
  const r = m.quarantine('acme.sample', 'sends files to an unknown host');
  assert.equal(r.enabled, false);
  assert.equal(r.quarantine?.reason, 'sends files to an unknown host');
  assert.deepEqual(r.allowedAlways, []);
  assert.deepEqual(r.revoked, [
    'optional read ${downloads}',
    'optional publish a.b',
    'optional subscribe a.b',
  ]);
  assert.deepEqual(
    policyRules(m.policyFor(r)),
    ['read ${workspace}'],
    'required grants stay, optional ones go',
  );
  assert.deepEqual(box.onDisk(), ['acme.sample/1.0.0']);
  assert.throws(
    () => m.setEnabled('acme.sample', true),
    /is quarantined \(sends files to an unknown host\); fix: inspect its files in .*--lift-quarantine/,
  );
  const lifted = m.setEnabled('acme.sample', true, true);
  assert.equal(lifted.enabled, true);
  assert.equal(lifted.quarantine, null);
  assert.equal(lifted.revoked.length, 3, 'lifting the quarantine gives nothing back');
});

test('opening clears what a killed corral left: unreferenced folders and dead installers’ staging', async () => {
  let m = box.open();
  await install(m, ext());
  m.close();
  mkdirSync(join(box.extensions, 'acme.sample', '9.9.9'));
  writeFileSync(join(box.extensions, 'acme.sample', '9.9.9', 'corral.json'), '{}');
  mkdirSync(join(box.extensions, 'acme.orphan', '1.0.0'), { recursive: true });
  const dead = spawnSync('true').pid!;
  mkdirSync(join(box.extensions, '.staging', `${dead}-abc`, 'pkg'), { recursive: true });
  mkdirSync(join(box.extensions, '.staging', `${process.pid}-live`), { recursive: true });
  m = box.open();
  assert.deepEqual(box.onDisk(), ['.staging/' + `${process.pid}-live`, 'acme.sample/1.0.0']);
  assert.equal(m.list().length, 1);
});
