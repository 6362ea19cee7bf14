// Navigation, new windows, webviews, downloads and requests: every one refused, and only an https
// link (without credentials) is ever offered to the user's browser, after a question whose
// default is Cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { WebContents } from 'electron';
import { guardContents } from '../../../main/contents-guard.ts';
import {
  OPEN_EXTERNAL_BUTTON,
  externalLinkQuestion,
  externalLinkTarget,
  isAllowedDownload,
  isAllowedRequest,
} from '../../../main/navigation.ts';

test('only https links without credentials are offered, in full and in punycode', () => {
  assert.equal(externalLinkTarget('https://corral.dev/docs'), 'https://corral.dev/docs');
  assert.equal(externalLinkTarget('https://bücher.example/'), 'https://xn--bcher-kva.example/');
  for (const url of [
    'http://corral.dev/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'app://corral/index.html',
    'data:text/html,hi',
    'mailto:someone@example.com',
    'smb://share/x',
    'https://corral.dev@evil.example/',
    'https://user:pw@corral.dev/',
    'not a url',
    '',
  ]) {
    assert.equal(externalLinkTarget(url), null, url);
  }
});

test('the question shows the address and defaults to Cancel', () => {
  const q = externalLinkQuestion('https://corral.dev/docs');
  assert.equal(q.detail, 'https://corral.dev/docs');
  assert.equal(q.buttons?.[q.defaultId!], 'Cancel');
  assert.equal(q.cancelId, q.defaultId);
  assert.equal(q.buttons?.[OPEN_EXTERNAL_BUTTON], 'Open in browser');
});

test('downloads: only blobs our own page made', () => {
  assert.equal(isAllowedDownload('blob:app://corral/8c1f0c1e-5d1a-4f0e-9a4b-1d2c3e4f5a6b'), true);
  assert.equal(isAllowedDownload('blob:https://evil.example/8c1f'), false);
  assert.equal(isAllowedDownload('https://evil.example/payload.sh'), false);
  assert.equal(isAllowedDownload('data:application/octet-stream,abc'), false);
});

test('requests: our files, our blobs and data: only; devtools only in development', () => {
  assert.equal(isAllowedRequest('app://corral/assets/index.js', true), true);
  assert.equal(isAllowedRequest('blob:app://corral/1234', true), true);
  assert.equal(isAllowedRequest('data:image/png;base64,AAAA', true), true);
  assert.equal(isAllowedRequest('devtools://devtools/bundled/inspector.html', true), false);
  assert.equal(isAllowedRequest('devtools://devtools/bundled/inspector.html', false), true);
  for (const url of [
    'https://evil.example/x.js',
    'http://127.0.0.1:3128/',
    'ws://127.0.0.1:9229/',
    'file:///etc/passwd',
    'app://other/index.html',
    'blob:https://evil.example/1',
  ]) {
    assert.equal(isAllowedRequest(url, false), false, url);
  }
});

test('property: nothing that is not app://corral, a blob of it or data: goes out', () => {
  fc.assert(
    fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
      assert.equal(isAllowedRequest(url, true), false);
      assert.equal(isAllowedDownload(url), false);
    }),
  );
});

/** A WebContents stand-in that records the guards and lets a test fire the events. */
function fakeContents() {
  const listeners = new Map<string, (...args: unknown[]) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  const contents = {
    on: (name: string, fn: (...args: unknown[]) => void) => {
      listeners.set(name, fn);
      return contents;
    },
    setWindowOpenHandler: (fn: (d: { url: string }) => { action: string }) => {
      openHandler = fn;
    },
    getURL: () => 'app://corral/index.html',
  };
  const fire = (name: string, ...args: unknown[]) => listeners.get(name)!(...args);
  const event = (fields: Record<string, unknown> = {}) => {
    const e = { prevented: false, preventDefault: () => (e.prevented = true), ...fields };
    return e;
  };
  return {
    contents: contents as unknown as WebContents,
    listeners,
    fire,
    event,
    open: (url: string) => openHandler!({ url }),
  };
}

test('a guarded WebContents refuses navigation, redirects, webviews, windows and Bluetooth', () => {
  const fake = fakeContents();
  const offered: string[] = [];
  const refused: string[] = [];
  guardContents(fake.contents, {
    offerExternal: (url) => offered.push(url),
    onRefused: (what) => refused.push(what),
  });
  assert.deepEqual([...fake.listeners.keys()].sort(), [
    'select-bluetooth-device',
    'will-attach-webview',
    'will-frame-navigate',
    'will-navigate',
    'will-redirect',
  ]);
  const nav = fake.event({ url: 'https://corral.dev/docs' });
  fake.fire('will-navigate', nav);
  assert.equal(nav.prevented, true);
  const frameNav = fake.event({ url: 'https://evil.example/', isMainFrame: false });
  fake.fire('will-frame-navigate', frameNav);
  assert.equal(frameNav.prevented, true);
  const redirect = fake.event({ url: 'https://evil.example/' });
  fake.fire('will-redirect', redirect);
  assert.equal(redirect.prevented, true);
  const webview = fake.event();
  fake.fire('will-attach-webview', webview, {}, { src: 'https://evil.example/' });
  assert.equal(webview.prevented, true);
  assert.deepEqual(fake.open('https://corral.dev/help'), { action: 'deny' });
  const bt = fake.event();
  let chosen: string | null = null;
  fake.fire('select-bluetooth-device', bt, [{ deviceId: 'aa:bb' }], (id: string) => (chosen = id));
  assert.equal(bt.prevented, true);
  assert.equal(chosen, '', 'no device is chosen');
  // Links the page tried to follow or open are offered (the offer itself checks https and asks).
  assert.deepEqual(offered, ['https://corral.dev/docs', 'https://corral.dev/help']);
  assert.deepEqual(refused, [
    'navigation',
    'frame navigation',
    'redirect',
    'webview',
    'new window',
    'bluetooth',
  ]);
});
