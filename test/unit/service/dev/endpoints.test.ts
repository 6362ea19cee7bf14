// Synthetic endpoints (`corral dev --endpoints FILE`): a host the file names is answered from the
// file only, never the real network, and a file that cannot be used says which entry and the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EndpointsError,
  endpoints,
  loadEndpoints,
  syntheticFetcher,
} from '../../../../app/service/dev/endpoints.ts';
import type { FetchTarget, NetFetcher } from '../../../../app/runtime/broker.ts';

const list = endpoints({
  endpoints: [
    { url: 'https://api.example.com/items', method: 'GET', status: 200, headers: {}, body: [1, 2] },
    { url: 'https://api.example.com/files/*', method: '*', status: 201, headers: {}, body: 'ok' },
    {
      url: 'http://img.example.com:8080/logo',
      method: 'GET',
      status: 200,
      headers: { 'cache-control': 'none' },
      body: { base64: 'iVBO' },
    },
  ],
});

/** Where a fetch goes, as the broker hands it over (its decision already taken). */
function target(host: string): FetchTarget {
  return { host, port: 443, decider: () => ({ decision: 'allow', reason: 'test' }) };
}

/** A real fetcher that records every URL it was asked for. */
function spy(): NetFetcher & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    fetch: async (params) => {
      asked.push(params.url);
      return { status: 299, headers: {}, body: 'real' };
    },
  };
}

test('targets are host:port, the port from the scheme when the URL has none', () => {
  assert.deepEqual([...list.targets].sort(), ['api.example.com:443', 'img.example.com:8080']);
  assert.ok(list.covers('API.example.com', 443));
  assert.ok(!list.covers('api.example.com', 80));
});

test('answers: exact URLs, prefixes ending in *, JSON and bytes, the synthetic header on each', () => {
  const items = list.answer('get', new URL('https://api.example.com/items'));
  assert.deepEqual(items, {
    matched: true,
    status: 200,
    headers: { 'content-type': 'application/json', 'x-corral-dev': 'synthetic' },
    body: '[1,2]',
  });
  assert.equal(list.answer('PUT', new URL('https://api.example.com/files/a/b')).status, 201);
  const logo = list.answer('GET', new URL('http://img.example.com:8080/logo'));
  assert.deepEqual(logo.body, { base64: 'iVBO' });
  assert.equal(logo.headers['cache-control'], 'none');
});

test('an unknown URL or method on a covered host is a 404 that says how to add it', () => {
  const missing = list.answer('POST', new URL('https://api.example.com/items'));
  assert.equal(missing.matched, false);
  assert.equal(missing.status, 404);
  assert.match(
    String(missing.body),
    /no synthetic endpoint for POST .*add it to the endpoints file/,
  );
});

test('the real network is never asked for a covered host; other hosts go to it (a positive control)', async () => {
  const real = spy();
  const seen: [string, boolean][] = [];
  const net = syntheticFetcher(list, real, (url, matched) => seen.push([url, matched]));
  const covered = target('api.example.com');
  assert.equal((await net.fetch({ url: 'https://api.example.com/items' }, covered)).status, 200);
  assert.equal((await net.fetch({ url: 'https://api.example.com/nope' }, covered)).status, 404);
  assert.deepEqual(real.asked, []);
  assert.deepEqual(seen, [
    ['https://api.example.com/items', true],
    ['https://api.example.com/nope', false],
  ]);
  const other = await net.fetch({ url: 'https://other.example/' }, target('other.example'));
  assert.equal(other.status, 299);
  assert.deepEqual(real.asked, ['https://other.example/']);
});

test('a file that cannot be used: one line naming the file, the entry and the fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corral-endpoints-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  assert.throws(
    () => loadEndpoints(file('broken.json', '{')),
    (e: unknown) => {
      assert.ok(e instanceof EndpointsError);
      assert.match(e.message, /broken\.json: not JSON .*; fix: give a JSON file like/);
      return true;
    },
  );
  assert.throws(
    () => loadEndpoints(file('ftp.json', JSON.stringify({ endpoints: [{ url: 'ftp://x/' }] }))),
    /ftp\.json: \/endpoints\/0\/url: an http:\/\/ or https:\/\/ URL; fix: see "Synthetic endpoints"/,
  );
  assert.throws(() => loadEndpoints(join(dir, 'absent.json')), /absent\.json: cannot be read/);
  assert.equal(loadEndpoints(file('ok.json', '{"endpoints": []}')).targets.size, 0);
});
