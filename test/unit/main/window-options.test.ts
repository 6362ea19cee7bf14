// The window's options, read as main passes them to BrowserWindow (a stand-in records them): the
// whole webPreferences object is pinned, so any weakening (or any new option) fails here and shows
// up in review.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserWindowConstructorOptions } from 'electron';
import { createMainWindow } from '../../../main/window-options.ts';

/** The options main passes to BrowserWindow, recorded by a stand-in class. */
function mainWindowOptions(input: {
  preload: string;
  packaged: boolean;
}): BrowserWindowConstructorOptions {
  class RecordingWindow {
    constructor(readonly options: BrowserWindowConstructorOptions) {}
  }
  return createMainWindow(RecordingWindow, input).options;
}

const PRELOAD = '/opt/Corral/resources/app.asar/dist/electron/preload.cjs';

/** The reviewed preferences: docs/security.md explains each one. */
const REVIEWED = {
  preload: PRELOAD,
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  plugins: false,
  enableWebSQL: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  webgl: false,
  disableDialogs: true,
  safeDialogs: true,
  disableBlinkFeatures: 'Auxclick',
};

test('a packaged window has exactly the reviewed webPreferences, devtools off', () => {
  const options = mainWindowOptions({ preload: PRELOAD, packaged: true });
  assert.deepEqual(options.webPreferences, { ...REVIEWED, devTools: false });
});

test('a development window differs only by having devtools', () => {
  const options = mainWindowOptions({ preload: PRELOAD, packaged: false });
  assert.deepEqual(options.webPreferences, { ...REVIEWED, devTools: true });
});

test('the checklist points are each set, never left to a default', () => {
  const prefs = mainWindowOptions({ preload: PRELOAD, packaged: true }).webPreferences!;
  for (const [key, value] of [
    ['sandbox', true],
    ['contextIsolation', true],
    ['nodeIntegration', false],
    ['webSecurity', true],
    ['webviewTag', false],
    ['allowRunningInsecureContent', false],
  ] as const) {
    assert.ok(Object.hasOwn(prefs, key), `${key} is set explicitly`);
    assert.equal(prefs[key], value, key);
  }
  assert.equal(prefs.enableBlinkFeatures, undefined, 'no Blink feature is switched on');
  assert.equal(prefs.additionalArguments, undefined, 'no extra renderer arguments');
});

test('the window waits for its first paint and loads nothing by itself', () => {
  const options = mainWindowOptions({ preload: PRELOAD, packaged: true });
  assert.equal(options.show, false);
  assert.equal(options.webPreferences?.partition, undefined);
});
