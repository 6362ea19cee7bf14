// Who may talk to `corral serve`: only a page it served itself, on 127.0.0.1, holding this
// launch's secret. As Jupyter does, the printed URL carries a random token once; the page trades
// it for an HttpOnly, SameSite=Strict cookie and the token leaves the address bar. A Host header
// other than our own address is refused (DNS rebinding), and so is a foreign Origin (no CORS).
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The strict content security policy of the window, the same in a browser tab and in Electron. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers on every answer: the CSP, no sniffing, no framing, no referrer, no caching of secrets. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=()',
};

export interface RequestFacts {
  method: string;
  /** The path and query as sent. */
  url: string;
  host: string | undefined;
  origin: string | undefined;
  cookie: string | undefined;
  /** A WebSocket upgrade (an Origin is then required). */
  upgrade: boolean;
}

export type Verdict =
  | { allow: true; session: 'cookie' }
  | { allow: true; session: 'token'; setCookie: string; redirectTo: string }
  | { allow: false; status: 403 | 405; reason: string };

/** This launch's secrets and the checks every request passes. */
export class ServeGuard {
  /** The one-time secret of the printed URL. */
  readonly token = randomBytes(32).toString('base64url');
  /** What the cookie holds (never the token itself, which may sit in a shell's history). */
  private readonly session = randomBytes(32).toString('base64url');
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;

  constructor(readonly port: number) {
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    this.origins = new Set([...this.hosts].map((h) => `http://${h}`));
  }

  /** The cookie's name: cookies are not kept apart by port, so two launches must not share one. */
  get cookieName(): string {
    return `corral_${this.port}`;
  }

  /** The URL to open: the token in the query, exchanged on the first load. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`;
  }

  /** Decides one request (or WebSocket upgrade) from its head alone. */
  check(r: RequestFacts): Verdict {
    if (!r.host || !this.hosts.has(r.host.toLowerCase()))
      return {
        allow: false,
        status: 403,
        reason: `Host ${JSON.stringify(r.host ?? '')} is not this server (DNS rebinding?)`,
      };
    if (r.origin !== undefined && !this.origins.has(r.origin))
      return { allow: false, status: 403, reason: `Origin ${JSON.stringify(r.origin)} is foreign` };
    if (r.upgrade && r.origin === undefined)
      return { allow: false, status: 403, reason: 'a WebSocket without an Origin' };
    if (!r.upgrade && r.method !== 'GET' && r.method !== 'HEAD')
      return { allow: false, status: 405, reason: `method ${r.method.slice(0, 16)} is not served` };
    if (matches(cookieValue(r.cookie, this.cookieName), this.session))
      return { allow: true, session: 'cookie' };
    const token = tokenOf(r.url);
    if (!r.upgrade && token !== null && matches(token, this.token)) {
      return {
        allow: true,
        session: 'token',
        setCookie: `${this.cookieName}=${this.session}; HttpOnly; SameSite=Strict; Path=/`,
        redirectTo: '/',
      };
    }
    return {
      allow: false,
      status: 403,
      reason: token === null ? 'no token and no session cookie' : 'a wrong token',
    };
  }
}

/** The value of cookie `name` in a Cookie header, or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

/** The `token` query parameter of a request path, or null. */
function tokenOf(url: string): string | null {
  const q = url.indexOf('?');
  if (q === -1) return null;
  return new URLSearchParams(url.slice(q + 1)).get('token');
}

/** Compares secrets in constant time. */
function matches(given: string | null, secret: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
