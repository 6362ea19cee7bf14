// Where a page of Corral may go, as decisions without Electron: it never navigates, never opens a
// window, and reaches nothing but its own app:// files; an https link is offered to the user's
// browser, only after they confirm, with the address shown in full.
import type { MessageBoxOptions } from 'electron';
import { isAppUrl } from './sender-check.ts';

/**
 * The address to offer to the user's browser for a link the page tried to follow, or null when
 * it is not one we would ever open: only https, no user name or password in it (they are used to
 * disguise where a link leads: https://corral.app@evil.example/).
 */
export function externalLinkTarget(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.hostname === '') return null;
  if (parsed.username !== '' || parsed.password !== '') return null;
  // href shows an internationalised host in punycode, so a look-alike name cannot hide.
  return parsed.href;
}

/** The question asked before an https link leaves Corral: Cancel is the default and the escape. */
export function externalLinkQuestion(href: string): MessageBoxOptions {
  return {
    type: 'question',
    title: 'Open in your browser?',
    message: 'Open this address in your web browser?',
    detail: href,
    buttons: ['Cancel', 'Open in browser'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
}

/** The dialog's button index that means "open it". */
export const OPEN_EXTERNAL_BUTTON = 1;

/**
 * Whether a download may proceed to the save dialog: only a blob made by our own page (the Access
 * log's export); anything else (a remote file, a data: URL) is cancelled.
 */
export function isAllowedDownload(url: string): boolean {
  return url.startsWith('blob:') && isAppUrl(url.slice('blob:'.length));
}

/**
 * Whether a request of the page may go out: our app:// files, blobs and data: URLs the page made
 * itself, and the devtools' own pages in a development checkout. Everything else (http, https,
 * ws, file) is cancelled, behind the CSP that already forbids it.
 */
export function isAllowedRequest(url: string, packaged: boolean): boolean {
  if (isAppUrl(url)) return true;
  if (url.startsWith('blob:')) return isAppUrl(url.slice('blob:'.length));
  if (url.startsWith('data:')) return true;
  return !packaged && url.startsWith('devtools:');
}
