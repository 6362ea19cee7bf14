// The guards put on every WebContents the app creates (app.on('web-contents-created')): no
// navigation, no redirect, no <webview>, no new window, no Bluetooth chooser. A link the page
// tries to follow is handed to `offerExternal`, which asks the user before anything opens.
import type { WebContents } from 'electron';
import { refuseBluetoothChooser, type OnDenied } from './permissions.ts';

export interface ContentsGuardOptions {
  /** A link the page tried to open or follow: offered to the user's browser after a question. */
  offerExternal: (url: string) => void;
  /** Told about each refusal, so it is recorded. */
  onRefused: (what: string, url: string) => void;
}

/** The part of WebContents the guard uses. */
export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler' | 'getURL'>;

/** Installs every guard on one WebContents. */
export function guardContents(contents: GuardedContents, o: ContentsGuardOptions): void {
  // Corral is one page: any navigation away from it (a link, a script, a drop) is refused.
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    o.onRefused('navigation', event.url);
    o.offerExternal(event.url);
  });
  // The same for subframes (there are none: the CSP allows no frame) and for redirects.
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
    if (!event.isMainFrame) o.onRefused('frame navigation', event.url);
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
    o.onRefused('redirect', event.url);
  });
  contents.on('will-attach-webview', (event, _prefs, params) => {
    event.preventDefault();
    o.onRefused('webview', params.src ?? '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    o.onRefused('new window', url);
    o.offerExternal(url);
    return { action: 'deny' };
  });
  const onDenied: OnDenied = (permission, url) => o.onRefused(permission, url);
  refuseBluetoothChooser(contents, onDenied);
}
