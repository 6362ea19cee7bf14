// The app:// protocol that serves the built renderer (not file://, which would give the page the
// reach of a local file): app://corral/PATH maps to one file under the renderer folder, never a
// file outside it, with the CSP and no-sniff headers on every answer.
import type { CustomScheme } from 'electron';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../app/service/serve-guard.ts';
import { APP_HOST, APP_SCHEME } from './window-options.ts';

/**
 * How Chromium treats app://: a standard scheme (an origin of its own, relative URLs resolve), a
 * secure context, fetch and module scripts allowed; never bypassing the CSP, no service workers.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    // Vite's module scripts are fetched in CORS mode; no handler answer allows another origin.
    corsEnabled: true,
    codeCache: true,
    bypassCSP: false,
    allowServiceWorkers: false,
    stream: false,
  },
};

/** The types of the files the renderer build produces; anything else is served as bytes. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** The headers of every answer, including errors. */
export function appHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    // The same policy as corral serve sends: one text for both shells.
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

export type AppFile =
  { ok: true; file: string; contentType: string } | { ok: false; status: number };

/**
 * The file under `root` that an app:// URL names, or the status refusing it: 404 for another
 * host, a path outside the root or an unreadable name; 405 for a method other than GET or HEAD.
 */
export function resolveAppFile(root: string, url: string, method = 'GET'): AppFile {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405 };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, status: 404 };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST)
    return { ok: false, status: 404 };
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return { ok: false, status: 404 };
  }
  // A NUL or a backslash has no business in a renderer file name (and a backslash is a
  // separator on Windows).
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 404 };
  if (path === '/' || path === '') path = '/index.html';
  const file = resolve(root, `.${path}`);
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside))
    return { ok: false, status: 404 };
  return {
    ok: true,
    file,
    contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
  };
}

/** Reads one file; rejects when it is missing or not a file. */
export type ReadFile = (path: string) => Promise<Uint8Array>;

/** The answer to one app:// request: the file with its headers, or an empty error answer. */
export async function appResponse(
  root: string,
  request: { url: string; method: string },
  readFile: ReadFile,
): Promise<Response> {
  const found = resolveAppFile(root, request.url, request.method);
  if (!found.ok) {
    return new Response(null, { status: found.status, headers: appHeaders('text/plain') });
  }
  let body: Uint8Array;
  try {
    body = await readFile(found.file);
  } catch {
    return new Response(null, { status: 404, headers: appHeaders('text/plain') });
  }
  return new Response(request.method === 'HEAD' ? null : body, {
    status: 200,
    headers: appHeaders(found.contentType),
  });
}
