// Unmodified tools reach granted hosts through HTTP_PROXY: inside the sandbox 127.0.0.1:3128 is
// the host's allowlisting proxy; anything not granted is refused and audited.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { asRunUser, runAs, stageCli, type Stage } from '../sandbox/harness.ts';

let stage: Stage;
let cli: string;
let server: http.Server;
let port: number;

before(async () => {
  ({ stage, cli } = stageCli());
  server = http.createServer((req, res) => res.end(`host says hi to ${req.url}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.close();
  stage.cleanup();
});

function fetchInSandbox(policy: unknown, url: string, audit?: string) {
  const file = stage.file(
    `policy-${Math.random().toString(36).slice(2)}.json`,
    JSON.stringify(policy),
  );
  const script = `import urllib.request, urllib.error\ntry:\n  print(urllib.request.urlopen(${JSON.stringify(url)}, timeout=10).read().decode())\nexcept urllib.error.HTTPError as e:\n  print("HTTP", e.code)`;
  const [cmd, argv] = asRunUser(process.execPath, [
    cli,
    'exec',
    ...(audit ? ['--audit', audit] : []),
    '--policy',
    file,
    '--',
    '/usr/bin/python3',
    '-c',
    script,
  ]);
  // Asynchronously: the test's HTTP server lives in this process and must keep answering.
  const child = spawn(cmd, argv, { env: { PATH: '/usr/bin:/bin', HOME: stage.root } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (status) => resolve({ status, stdout, stderr })),
  );
}

test(`[${runAs}] a granted host is reached through the proxy, and the request is audited`, async () => {
  const audit = join(stage.dir('audit', { writable: true }), 'net.jsonl');
  const r = await fetchInSandbox(
    { permissions: { net: [{ host: '127.0.0.1', ports: [port] }] } },
    `http://127.0.0.1:${port}/stars`,
    audit,
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'host says hi to /stars');
  const events = readFileSync(audit, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; decision: string; target: string });
  assert.ok(
    events.some(
      (e) => e.kind === 'net' && e.decision === 'allow' && e.target === `127.0.0.1:${port}`,
    ),
  );
});

test(`[${runAs}] a port or host the policy does not grant is refused by the proxy (403)`, async () => {
  const r = await fetchInSandbox(
    { permissions: { net: [{ host: '127.0.0.1', ports: [port] }] } },
    `http://127.0.0.1:${port + 1}/`,
  );
  assert.equal(r.stdout.trim(), 'HTTP 403', r.stderr);
  const other = await fetchInSandbox(
    { permissions: { net: [{ host: '127.0.0.1', ports: [port] }] } },
    `http://localhost:${port}/`,
  );
  assert.equal(other.stdout.trim(), 'HTTP 403', other.stderr);
});

test(`[${runAs}] with no net grant there is no proxy and no route out at all`, async () => {
  const r = await fetchInSandbox({ permissions: {} }, `http://127.0.0.1:${port}/`);
  assert.notEqual(r.status, 0);
  assert.doesNotMatch(r.stdout, /host says hi/);
});
