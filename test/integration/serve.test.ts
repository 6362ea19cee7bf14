// nobody-pass: not needed (the server's checks do not depend on the sandbox user)
// corral serve refuses what is not its own page: no token or cookie, a wrong token, a rebinding
// Host, a foreign Origin, other methods; it answers bad frames with an error. Each refusal is
// audited, and the host goes on serving its own page after every one of them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { CONTRACT_VERSION, FRAME_MAX_BYTES, type HostFrame } from '../../app/contract/index.ts';
import { createHostService } from '../../app/service/host.ts';
import type { HostService } from '../../app/service/host-service.ts';
import { startServing, type Serving } from '../../app/service/serve.ts';
import { createServices, type Services } from '../../app/service/services.ts';

let root: string;
let services: Services;
let host: HostService;
let serving: Serving;
let cookie: string;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  port = serving.port,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        headers: { Host: `127.0.0.1:${port}`, ...headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The serve refusals recorded in the audit store so far. */
function refusals(): string[] {
  const store = services.auditStore();
  store.flush();
  return store
    .query({ ext: 'corral', kind: 'net', limit: 1000 })
    .filter((e) => e.op === 'serve' && e.decision === 'deny')
    .map((e) => `${e.target} :: ${e.reason}`);
}

/** Expects one more audited refusal whose reason matches `pattern`, caused by `act`. */
async function refusedAndAudited(pattern: RegExp, act: () => Promise<void>): Promise<void> {
  const before = refusals().length;
  await act();
  const added = refusals().slice(0, refusals().length - before);
  assert.ok(
    added.some((r) => pattern.test(r)),
    `expected an audited refusal matching ${pattern}, got ${JSON.stringify(added)}`,
  );
  // The control: the page is still served to its own tab.
  assert.equal((await get('/', { Cookie: cookie })).status, 200);
}

function socket(headers: Record<string, string>): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${serving.port}/ws`, { headers });
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Sends `frame` (text as is) and resolves with the next result frame. */
function roundTrip(ws: WebSocket, frame: string | Buffer): Promise<HostFrame & { t: 'result' }> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const parsed = JSON.parse(data.toString()) as HostFrame;
      if (parsed.t !== 'result') return;
      ws.off('message', onMessage);
      resolve(parsed);
    };
    ws.on('message', onMessage);
    ws.send(frame);
  });
}

const ownOrigin = () => `http://127.0.0.1:${serving.port}`;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'corral-serve-'));
  const renderer = join(root, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Corral</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'export {};\n');
  writeFileSync(join(root, 'secret.txt'), 'not to be served\n');
  const env = {
    HOME: join(root, 'home'),
    XDG_DATA_HOME: join(root, 'data'),
    XDG_STATE_HOME: join(root, 'state'),
  };
  services = createServices({ env });
  host = await createHostService({ env, shell: 'serve', services });
  serving = await startServing({
    host,
    rendererDir: renderer,
    audit: (e) => services.audit(e),
  });
  const exchanged = await get(`/?token=${new URL(serving.url).searchParams.get('token')}`);
  assert.equal(exchanged.status, 303);
  const setCookie = String(exchanged.headers['set-cookie']);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.equal(exchanged.headers.location, '/', 'the token leaves the address bar');
  cookie = setCookie.split(';')[0]!;
});

after(async () => {
  await serving.close();
  await host.close();
  rmSync(root, { recursive: true, force: true });
});

describe('corral serve: the page', () => {
  it('listens on 127.0.0.1 only, and prints one URL with the token', () => {
    assert.match(serving.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('serves its own tab with the strict CSP and no CORS', async () => {
    const page = await get('/', { Cookie: cookie });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(page.headers['access-control-allow-origin'], undefined);
    assert.equal((await get('/assets/app.js', { Cookie: cookie })).status, 200);
  });

  it('refuses a request without token or cookie', () =>
    refusedAndAudited(/no token and no session cookie/, async () => {
      assert.equal((await get('/')).status, 403);
    }));

  it('refuses a wrong token', () =>
    refusedAndAudited(/a wrong token/, async () => {
      assert.equal((await get('/?token=' + 'A'.repeat(43))).status, 403);
    }));

  it('refuses a Host that is not its own, even with the cookie (DNS rebinding)', () =>
    refusedAndAudited(/Host "evil\.example/, async () => {
      const r = await get('/', { Cookie: cookie, Host: `evil.example:${serving.port}` });
      assert.equal(r.status, 403);
    }));

  it('refuses a foreign Origin, even with the cookie', () =>
    refusedAndAudited(/Origin "https:\/\/evil\.example" is foreign/, async () => {
      const r = await get('/', { Cookie: cookie, Origin: 'https://evil.example' });
      assert.equal(r.status, 403);
    }));

  it('refuses other methods', () =>
    refusedAndAudited(/method POST is not served/, async () => {
      assert.equal((await get('/', { Cookie: cookie }, 'POST')).status, 405);
    }));

  it('serves nothing outside its folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt'])
      assert.equal((await get(path, { Cookie: cookie })).status, 404, path);
  });
});

describe('corral serve: the WebSocket', () => {
  it('answers its own tab: session.hello, extensions.list', async () => {
    const ws = socket({ Cookie: cookie, Origin: ownOrigin() });
    await opened(ws);
    const hello = await roundTrip(
      ws,
      JSON.stringify({
        t: 'call',
        id: 1,
        method: 'session.hello',
        input: { contractVersion: CONTRACT_VERSION },
      }),
    );
    assert.deepEqual(hello.result, {
      ok: true,
      value: { contractVersion: CONTRACT_VERSION, hostVersion: '0.1.0', shell: 'serve' },
    });
    const list = await roundTrip(
      ws,
      JSON.stringify({ t: 'call', id: 2, method: 'extensions.list', input: {} }),
    );
    assert.deepEqual(list, { t: 'result', id: 2, result: { ok: true, value: [] } });
    ws.close();
  });

  for (const [name, headers, pattern] of [
    ['no cookie', () => ({ Origin: ownOrigin() }), /no token and no session cookie/],
    ['a foreign Origin', () => ({ Cookie: cookie, Origin: 'http://evil.example' }), /is foreign/],
    ['no Origin', () => ({ Cookie: cookie }), /a WebSocket without an Origin/],
  ] as const) {
    it(`refuses an upgrade with ${name}`, () =>
      refusedAndAudited(pattern, async () => {
        await assert.rejects(opened(socket(headers())), /HTTP 403/);
      }));
  }

  it('answers malformed frames, binary frames and unknown methods with an error, and goes on', async () => {
    const ws = socket({ Cookie: cookie, Origin: ownOrigin() });
    await opened(ws);
    await refusedAndAudited(/not JSON/, async () => {
      const r = await roundTrip(ws, '{not json');
      assert.equal(r.id, null);
      assert.equal(r.result.ok, false);
      assert.equal(!r.result.ok && r.result.error.code, 'bad-frame');
    });
    await refusedAndAudited(/not a call/, async () => {
      const r = await roundTrip(ws, JSON.stringify({ t: 'call', id: 7, method: 5 }));
      assert.equal(r.id, 7);
      assert.equal(!r.result.ok && r.result.error.code, 'bad-frame');
    });
    await refusedAndAudited(/binary frame/, async () => {
      const r = await roundTrip(ws, Buffer.from([1, 2, 3]));
      assert.equal(!r.result.ok && r.result.error.code, 'bad-frame');
    });
    await refusedAndAudited(/unknown method/, async () => {
      const r = await roundTrip(
        ws,
        JSON.stringify({ t: 'call', id: 8, method: 'system.shell', input: {} }),
      );
      assert.equal(!r.result.ok && r.result.error.code, 'unknown-method');
    });
    const bad = await roundTrip(
      ws,
      JSON.stringify({ t: 'call', id: 9, method: 'extensions.get', input: { id: '../etc' } }),
    );
    assert.equal(!bad.result.ok && bad.result.error.code, 'invalid-input');
    // The positive control on the same connection.
    const list = await roundTrip(
      ws,
      JSON.stringify({ t: 'call', id: 10, method: 'extensions.list', input: {} }),
    );
    assert.equal(list.result.ok, true);
    ws.close();
  });

  it('closes a connection that sends a frame over the cap; the host serves a new one', async () => {
    const ws = socket({ Cookie: cookie, Origin: ownOrigin() });
    await opened(ws);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(Buffer.alloc(FRAME_MAX_BYTES + 1, 0x20).toString());
    assert.equal(await closed, 1009, 'Message Too Big');
    const again = socket({ Cookie: cookie, Origin: ownOrigin() });
    await opened(again);
    const list = await roundTrip(
      again,
      JSON.stringify({ t: 'call', id: 1, method: 'extensions.list', input: {} }),
    );
    assert.equal(list.result.ok, true);
    again.close();
  });
});

describe('corral serve: before its host is built', () => {
  /** A second server whose host is not built yet; `settle` builds it or fails it. */
  async function serveBeforeHost() {
    let settle!: { resolve: (h: HostService) => void; reject: (e: Error) => void };
    const pending = new Promise<HostService>((resolve, reject) => (settle = { resolve, reject }));
    const early = await startServing({
      host: pending,
      rendererDir: join(root, 'renderer'),
      audit: (e) => services.audit(e),
    });
    const token = new URL(early.url).searchParams.get('token');
    const exchanged = await get(`/?token=${token}`, {}, 'GET', early.port);
    const earlyCookie = String(exchanged.headers['set-cookie']).split(';')[0]!;
    const ws = new WebSocket(`ws://127.0.0.1:${early.port}/ws`, {
      headers: { Cookie: earlyCookie, Origin: `http://127.0.0.1:${early.port}` },
    });
    return { early, settle, earlyCookie, ws };
  }

  it('serves the page at once, and opens the WebSocket once the host is ready', async () => {
    const { early, settle, earlyCookie, ws } = await serveBeforeHost();
    try {
      assert.equal((await get('/', { Cookie: earlyCookie }, 'GET', early.port)).status, 200);
      let open = false;
      const opening = opened(ws).then(() => (open = true));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(open, false, 'the upgrade waits for the host');
      settle.resolve(host);
      await opening;
      const list = await roundTrip(
        ws,
        JSON.stringify({ t: 'call', id: 1, method: 'extensions.list', input: {} }),
      );
      assert.equal(list.result.ok, true);
      ws.close();
    } finally {
      await early.close();
    }
  });

  it('turns the WebSocket away (503) when the host could not be built; the page is still served', async () => {
    const { early, settle, earlyCookie, ws } = await serveBeforeHost();
    try {
      settle.reject(new Error('the audit store is locked'));
      await assert.rejects(opened(ws), /HTTP 503/);
      assert.equal((await get('/', { Cookie: earlyCookie }, 'GET', early.port)).status, 200);
    } finally {
      await early.close();
    }
  });
});
