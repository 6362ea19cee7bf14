// Corral's one window: every webPreference the Electron security checklist names, set explicitly
// (never left to a default that a future Electron could change), written as one literal at the
// `new BrowserWindow` call so that electronegativity reads them and a test (with a stand-in
// BrowserWindow) fails on any weakening. docs/security.md walks through them point by point.
import type { BrowserWindowConstructorOptions, NativeImage } from 'electron';

/** Where the window's page comes from: the renderer, served by main's app:// protocol. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'corral';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export interface WindowOptionsInput {
  /** Absolute path of the built preload (CommonJS: a sandboxed preload cannot be an ES module). */
  preload: string;
  /** app.isPackaged: devtools exist only in a development checkout. */
  packaged: boolean;
  icon?: NativeImage;
}

/** Electron's BrowserWindow constructor, or a stand-in that records its options. */
export type BrowserWindowClass<W> = new (options: BrowserWindowConstructorOptions) => W;

/** Creates the Corral window (not yet shown) with the reviewed options. */
export function createMainWindow<W>(
  BrowserWindow: BrowserWindowClass<W>,
  input: WindowOptionsInput,
): W {
  return new BrowserWindow({
    title: 'Corral',
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    // Shown on ready-to-show, so the user never sees an empty frame.
    show: false,
    icon: input.icon,
    webPreferences: {
      // Reviewed: it exposes one function per contract entry through contextBridge and nothing
      // else (test/unit/main/preload-surface.test.ts fixes that surface).
      preload: input.preload, // eng-disable PRELOAD_JS_CHECK
      // The renderer process runs in Chromium's OS sandbox (app.enableSandbox() also forces it).
      sandbox: true,
      // The preload's world is apart from the page's: the page sees only what contextBridge gives.
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
      // Dropping a file on the window would navigate to it (a file:// page with our preload).
      navigateOnDragDrop: false,
      // The spellchecker downloads dictionaries from a Google CDN: no network from the window.
      spellcheck: false,
      // The UI draws its charts on a 2D canvas; WebGL would only add GPU attack surface.
      webgl: false,
      // The renderer never uses alert/confirm/prompt; a page that tries gets nothing.
      disableDialogs: true,
      safeDialogs: true,
      // A middle click would ask for a new window (refused anyway, by setWindowOpenHandler).
      disableBlinkFeatures: 'Auxclick',
      devTools: !input.packaged,
    },
  });
}
