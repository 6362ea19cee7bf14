// The app:// protocol serves files of the renderer folder and nothing else, each answer with the
// CSP; the scheme's privileges never bypass the CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import fc from 'fast-check';
import { APP_SCHEME_PRIVILEGES, appResponse, resolveAppFile } from '../../../main/app-protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../../../app/service/serve-guard.ts';

const base = mkdtempSync(join(tmpdir(), 'corral-app-protocol-'));
const root = join(base, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Corral</title>');
writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(base, 'secret.txt'), 'outside the renderer');

test('the CSP is exactly the reviewed policy, the one corral serve sends too', () => {
  assert.equal(
    CONTENT_SECURITY_POLICY,
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
  );
});

test('app:// is standard and secure, and never bypasses the CSP or hosts service workers', () => {
  assert.equal(APP_SCHEME_PRIVILEGES.scheme, 'app');
  assert.equal(APP_SCHEME_PRIVILEGES.privileges?.standard, true);
  assert.equal(APP_SCHEME_PRIVILEGES.privileges?.secure, true);
  assert.equal(APP_SCHEME_PRIVILEGES.privileges?.bypassCSP, false);
  assert.equal(APP_SCHEME_PRIVILEGES.privileges?.allowServiceWorkers, false);
});

test('files of the renderer are served with their type and the CSP', async () => {
  const page = await appResponse(root, { url: 'app://corral/', method: 'GET' }, readFile);
  assert.equal(page.status, 200);
  assert.equal(await page.text(), '<!doctype html><title>Corral</title>');
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  const script = await appResponse(
    root,
    { url: 'app://corral/assets/index-abc.js', method: 'GET' },
    readFile,
  );
  assert.equal(script.status, 200);
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  const head = await appResponse(
    root,
    { url: 'app://corral/index.html', method: 'HEAD' },
    readFile,
  );
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('errors carry the CSP too, and say nothing', async () => {
  for (const [url, method, status] of [
    ['app://corral/missing.js', 'GET', 404],
    ['app://corral/assets', 'GET', 404],
    ['app://corral/index.html', 'POST', 405],
    ['app://other/index.html', 'GET', 404],
  ] as const) {
    const answer = await appResponse(root, { url, method }, readFile);
    assert.equal(answer.status, status, url);
    assert.equal(answer.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(await answer.text(), '');
  }
});

test('no request reaches a file outside the renderer folder', async () => {
  for (const url of [
    'app://corral/../secret.txt',
    'app://corral/%2e%2e/secret.txt',
    'app://corral/..%2fsecret.txt',
    'app://corral/assets/..%2f..%2fsecret.txt',
    'app://corral/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://corral/..%5csecret.txt',
    'app://corral/index.html%00.js',
    'app://corral/%E0%A4%A',
  ]) {
    const found = resolveAppFile(root, url);
    if (found.ok) {
      const inside = relative(root, found.file);
      assert.ok(!inside.startsWith('..') && inside !== '', `${url} -> ${found.file}`);
    }
    const answer = await appResponse(root, { url, method: 'GET' }, readFile);
    assert.notEqual(await answer.text(), 'outside the renderer', url);
  }
  // The positive control: the secret exists and a plain read would find it.
  assert.equal(readFileSync(join(base, 'secret.txt'), 'utf8'), 'outside the renderer');
});

test('property: any path resolves inside the root or is refused', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom('..', '.', '%2e%2e', '%2f', '%5c', 'a', ''), fc.string()), {
        maxLength: 8,
      }),
      (parts) => {
        const found = resolveAppFile(root, `app://corral/${parts.join('/')}`);
        if (!found.ok) return;
        assert.ok(found.file.startsWith(root + sep), found.file);
      },
    ),
  );
});
