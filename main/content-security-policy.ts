// The Content-Security-Policy of every page and file Corral's window loads (the same text as
// `corral serve` sends): only our own scripts, styles, images and fonts; no inline script, no
// eval, no network, no frames, no plugins, no forms. Sent as a header, so no page can weaken it.

/** The policy, one directive per entry, joined with "; ". */
export const CSP_DIRECTIVES = [
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
] as const;

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.join('; ');
