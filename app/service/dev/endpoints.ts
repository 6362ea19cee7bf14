// Synthetic endpoints for `corral dev --endpoints FILE`: canned HTTP responses served for hosts
// the extension may reach, so that an extension in progress never touches a real service. A host
// named in the file is answered from the file only: a request the file has no answer for gets a
// 404 that says so, never the real network. The policy decides first, as in production: the
// endpoints stand in for the network, not for the grant.
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { canonicalHost } from '../../policy/host-names.ts';
import type { NetFetchParams, NetFetchResult } from '../../protocol/methods.ts';
import type { FetchTarget, NetFetcher } from '../../runtime/broker.ts';

const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

const endpointSchema = z.strictObject({
  /** The URL answered: exact (path and query), or ending in `*` for every URL it starts. */
  url: z.string().regex(/^https?:\/\/[^/]+(\/.*)?$/, 'an http:// or https:// URL'),
  /** GET unless given; `*` for every method. */
  method: z
    .string()
    .regex(/^([A-Z]+|\*)$/)
    .default('GET'),
  status: z.number().int().min(100).max(599).default(200),
  headers: z.record(z.string(), z.string()).default({}),
  /** Text as it is, any other JSON value as JSON (content-type application/json), or bytes. */
  body: z.union([jsonValue, z.strictObject({ base64: z.string() })]).default(''),
});

export const endpointsFileSchema = z.strictObject({
  endpoints: z.array(endpointSchema).max(10_000),
});

export type EndpointsFile = z.infer<typeof endpointsFileSchema>;
type Endpoint = EndpointsFile['endpoints'][number];

/** Canned responses by host:port, ready to answer. */
export interface Endpoints {
  /** host:port pairs the file answers for ("api.github.com:443"). */
  readonly targets: ReadonlySet<string>;
  /** Whether the file answers for host:port (then the real network is never used for it). */
  covers(host: string, port: number): boolean;
  /** The canned response for a request to a covered target. */
  answer(method: string, url: URL): NetFetchResult & { matched: boolean };
}

/** A file that cannot be used: one line naming it, the entry and the fix. */
export class EndpointsError extends Error {}

/** Reads and checks an endpoints file. */
export function loadEndpoints(file: string): Endpoints {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new EndpointsError(
      `--endpoints ${file}: ${e instanceof SyntaxError ? `not JSON (${e.message})` : 'cannot be read'}; fix: give a JSON file like {"endpoints": [{"url": "https://api.example.com/v1/items", "body": []}]}`,
    );
  }
  const checked = endpointsFileSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new EndpointsError(
      `--endpoints ${file}: /${issue.path.join('/')}: ${issue.message}; fix: see "Synthetic endpoints" in docs/extension-guide.md`,
    );
  }
  return endpoints(checked.data);
}

/** The endpoints of a checked file. */
export function endpoints(file: EndpointsFile): Endpoints {
  const byTarget = new Map<string, Endpoint[]>();
  for (const e of file.endpoints) {
    const key = targetOf(new URL(e.url.replace(/\*$/, '')));
    byTarget.set(key, [...(byTarget.get(key) ?? []), e]);
  }
  return {
    targets: new Set(byTarget.keys()),
    covers: (host, port) => byTarget.has(`${canonical(host)}:${port}`),
    answer(method, url) {
      const wanted = url.pathname + url.search;
      const found = (byTarget.get(targetOf(url)) ?? []).find((e) => {
        if (e.method !== '*' && e.method !== method.toUpperCase()) return false;
        const at = new URL(e.url.replace(/\*$/, ''));
        const path = at.pathname + at.search;
        return e.url.endsWith('*') ? wanted.startsWith(path) : wanted === path;
      });
      if (!found)
        return {
          matched: false,
          status: 404,
          headers: { 'content-type': 'text/plain', 'x-corral-dev': 'synthetic' },
          body: `corral dev: no synthetic endpoint for ${method.toUpperCase()} ${url.href}; add it to the endpoints file`,
        };
      return { matched: true, ...render(found) };
    },
  };
}

function render(e: Endpoint): NetFetchResult {
  const headers = { 'x-corral-dev': 'synthetic', ...e.headers };
  if (typeof e.body === 'string') return { status: e.status, headers, body: e.body };
  if (isBytes(e.body)) return { status: e.status, headers, body: { base64: e.body.base64 } };
  return {
    status: e.status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(e.body),
  };
}

function isBytes(body: unknown): body is { base64: string } {
  return (
    typeof body === 'object' &&
    body !== null &&
    Object.keys(body).length === 1 &&
    typeof (body as { base64?: unknown }).base64 === 'string'
  );
}

function canonical(host: string): string {
  return canonicalHost(host)?.host ?? host.toLowerCase();
}

function targetOf(url: URL): string {
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return `${canonical(url.hostname.replace(/^\[|\]$/g, ''))}:${port}`;
}

/**
 * net/fetch with synthetic endpoints in front: a covered host is answered from the file (the
 * broker has already decided the policy), anything else goes to `real`.
 */
export function syntheticFetcher(
  list: Endpoints,
  real: NetFetcher,
  onAnswer?: (url: string, matched: boolean) => void,
): NetFetcher {
  return {
    fetch(params: NetFetchParams, target: FetchTarget): Promise<NetFetchResult> {
      if (!list.covers(target.host, target.port)) return real.fetch(params, target);
      const url = new URL(params.url);
      const { matched, ...result } = list.answer(params.method ?? 'GET', url);
      onAnswer?.(url.href, matched);
      return Promise.resolve(result);
    },
  };
}
