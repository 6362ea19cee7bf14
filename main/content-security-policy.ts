// The Content-Security-Policy of every page and file Corral's window loads (the same text as
// `corral serve` sends): only our own scripts, styles, images and fonts; no inline script, no
// eval, no network, no frames, no plugins, no forms. Sent as a header, so no page can weaken it.

/**
 * Sets the policy on a response's headers. The policy is one string literal at the assignment,
 * which is where electronegativity's CSP checks find and evaluate it.
 */
export function setContentSecurityPolicy(headers: Record<string, string>): Record<string, string> {
  // The CSP evaluator calls script-src 'self' "maybe weak": it is, on an origin that also serves
  // JSONP endpoints or user uploads. app://corral serves the renderer's build and nothing else.
  // prettier-ignore
  headers['Content-Security-Policy'] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"; // eng-disable CSP_GLOBAL_CHECK
  return headers;
}

/** The policy's text. */
export const CONTENT_SECURITY_POLICY = setContentSecurityPolicy({})['Content-Security-Policy']!;
