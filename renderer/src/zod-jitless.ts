// zod without its just-in-time parsers, set before the first schema is built (main.tsx imports this
// first). The window's CSP has no 'unsafe-eval', so zod could never compile them here anyway; but
// left to find that out, its first object schema tries `new Function("")`, and the CSP report of
// that refusal made V8 re-parse the whole first-view script for a source position (without it, the
// page reached DOMContentLoaded about 7 % sooner: docs/startup.md).
import * as z from 'zod';

z.config({ jitless: true });
