// net/fetch's address vetting: resolve once, refuse a name that lands on the host's own or a
// local network unless granted, connect to exactly the vetted address. Loopback servers only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { createNetFetcher } from '../../../app/runtime/net-fetch.ts';
import { compileDecider } from '../../../app/policy/decide.ts';
import { RpcFailure } from '../../../app/runtime/rpc-peer.ts';
import { compiled } from '../policy/support.ts';

let server: http.Server;
let port: number;
before(async () => {
  server = http.createServer((req, res) => res.end(`hello ${req.headers.host}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

const deciderFor = (host: string) => compileDecider(compiled({ net: [{ host, ports: [port] }] }));

/** A resolver that answers from a table and records what it was asked. */
function lookupFrom(table: Record<string, string[]>, asked: string[]) {
  return ((name: string, _opts: unknown, cb: (e: Error | null, a: LookupAddress[]) => void) => {
    asked.push(name);
    cb(
      null,
      (table[name] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }) as never;
}

async function fetchVia(host: string, table: Record<string, string[]>, asked: string[] = []) {
  const fetcher = createNetFetcher({ lookup: lookupFrom(table, asked) });
  return fetcher.fetch(
    { url: `http://${host}:${port}/` },
    { host, port, decider: deciderFor(host) },
  );
}

test('a name resolving onto loopback, a private range or cloud metadata is refused before any connection', async () => {
  for (const address of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '::1']) {
    await assert.rejects(
      fetchVia('rebind.example', { 'rebind.example': [address] }),
      (e: unknown) => {
        assert.ok(e instanceof RpcFailure);
        assert.equal(e.code, -32001);
        assert.match(e.message, new RegExp(`rebind\\.example resolved to`));
        return true;
      },
    );
  }
});

test('one private address among public ones refuses the whole name (no hedged rebinding)', async () => {
  await assert.rejects(
    fetchVia('mixed.example', { 'mixed.example': ['93.184.216.34', '127.0.0.1'] }),
    /resolved to 127\.0\.0\.1/,
  );
});

test('the name is resolved once, and an IP literal or an explicitly granted localhost is reached as granted', async () => {
  const asked: string[] = [];
  await assert.rejects(fetchVia('once.example', { 'once.example': ['10.0.0.1'] }, asked));
  assert.deepEqual(asked, ['once.example']);
  const literal = await fetchVia('127.0.0.1', {});
  assert.equal(literal.status, 200);
  const local = await fetchVia('localhost', {});
  assert.equal(local.body, `hello localhost:${port}`);
});
