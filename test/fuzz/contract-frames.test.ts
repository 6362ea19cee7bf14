// nobody-pass: not needed
// Whatever a UI sends, the host answers as data and goes on: random method names and inputs to the
// dispatcher, and random WebSocket frames to corral serve, always get one result each (an error
// for anything that does not fit the contract), never a thrown error or a dead connection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import {
  CONTRACT_VERSION,
  METHOD_NAMES,
  resultSchema,
  type HostFrame,
} from '../../app/contract/index.ts';
import { createHostService } from '../../app/service/host.ts';
import type { HostService, UiSession } from '../../app/service/host-service.ts';
import { startServing, type Serving } from '../../app/service/serve.ts';
import { createServices } from '../../app/service/services.ts';

let root: string;
let host: HostService;
let serving: Serving;
const session: UiSession = { id: 'fuzz', shell: 'serve', label: 'fuzzer' };

/** Methods that change nothing lasting or act on ids that do not exist: safe to call at random. */
const HARMLESS = METHOD_NAMES.filter(
  (m) => !['extensions.choosePackage', 'settings.set', 'trust.add'].includes(m),
);

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'corral-fuzz-contract-'));
  const renderer = join(root, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Corral</title>');
  const env = {
    HOME: join(root, 'home'),
    XDG_DATA_HOME: join(root, 'data'),
    XDG_STATE_HOME: join(root, 'state'),
  };
  const services = createServices({ env });
  host = await createHostService({ env, shell: 'serve', services });
  serving = await startServing({ host, rendererDir: renderer, audit: (e) => services.audit(e) });
});

after(async () => {
  await serving.close();
  await host.close();
  rmSync(root, { recursive: true, force: true });
});

test('the dispatcher answers any method and input with a result envelope, never a throw', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.constantFrom(...HARMLESS), fc.string({ maxLength: 80 })),
      fc.jsonValue({ maxDepth: 4 }),
      async (method, input) => {
        const result = await host.call(session, method, input);
        assert.equal(resultSchema.safeParse(result).success, true, JSON.stringify(result));
        if (!result.ok) assert.ok(result.error.message.length > 0);
      },
    ),
    { numRuns: 300 },
  );
  // The host goes on.
  const hello = await host.call(session, 'session.hello', { contractVersion: CONTRACT_VERSION });
  assert.equal(hello.ok, true);
});

test('corral serve answers every random frame with one result, and the connection goes on', async () => {
  const u = new URL(serving.url);
  const res = await fetch(u, { redirect: 'manual' });
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const ws = new WebSocket(`ws://${u.host}/ws`, {
    headers: { Cookie: cookie, Origin: `http://${u.host}` },
  });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const results: HostFrame[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as HostFrame;
    if (frame.t === 'result') results.push(frame);
  });
  const frames = fc.sample(
    fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc
        .record({
          t: fc.constantFrom('call', 'result', 'event', 'x'),
          id: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string()),
          method: fc.oneof(fc.constantFrom(...HARMLESS), fc.string({ maxLength: 70 })),
          input: fc.jsonValue({ maxDepth: 3 }),
        })
        .map((v) => JSON.stringify(v)),
    ),
    400,
  );
  for (const f of frames) ws.send(f);
  for (let t = 0; results.length < frames.length; t++) {
    if (t > 600) assert.fail(`${results.length} answers to ${frames.length} frames`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(results.length, frames.length, 'one answer per frame');
  assert.equal(ws.readyState, WebSocket.OPEN, 'the connection goes on');
  ws.close();
});
