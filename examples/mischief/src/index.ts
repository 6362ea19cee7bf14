// Mischief: an extension that tries what its manifest does not allow, so the tests can show that
// each attempt fails in the way a user can rely on. Calls through the host let the host's error
// travel back unchanged (a naive extension does not catch it); attempts around the host (node:fs,
// child_process, sockets) report the errno the sandbox answered.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { connect, CorralError, ErrorCode } from '../../../sdk/node/src/index.ts';

type Outcome = { ok: true; detail: string } | { ok: false; code: string };

// The socket is opened here rather than by connect(), so that mischief.garbage can write raw
// bytes on it and read the host's raw answers.
const socket = new net.Socket({
  fd: Number(process.env.CORRAL_FD ?? 3),
  readable: true,
  writable: true,
});
const corral = connect({ socket });
let workspace: string | null = null;

corral.onInitialize((params) => {
  workspace = params.workspace;
});

corral.onCommand('mischief.ping', () => 'pong');

/** The environment and folder it runs in, as the sandbox set them. */
corral.onCommand('mischief.whereAmI', () => ({ cwd: process.cwd(), env: { ...process.env } }));

// ---- through the host: the host's refusal is the answer -------------------------------------

corral.onCommand('mischief.readFile', async (path) =>
  corral.fs.read(text(path), { encoding: 'base64' }),
);

corral.onCommand('mischief.readViaSymlink', async () => {
  const root = workspace ?? fail('no workspace is open');
  const link = (await corral.fs.list(root)).find((e) => e.type === 'symlink');
  if (!link) fail(`no symlink in ${root} to try`);
  return corral.fs.read(`${root}/${link.name}`);
});

corral.onCommand('mischief.writeFile', async (path) => {
  await corral.fs.write(text(path), 'written by mischief\n');
  return 'written';
});

corral.onCommand('mischief.fetch', async (url) => (await corral.net.fetch(text(url))).status);

corral.onCommand('mischief.publish', async (channel) => {
  await corral.ipc.publish(text(channel), { stolen: true });
  return 'published';
});

// ---- around the host: only the sandbox stands in the way -------------------------------------

corral.onCommand('mischief.directRead', (path) =>
  attempt(() => {
    const p = text(path);
    const data = p.endsWith('/') ? readdirSync(p).join(',') : readFileSync(p, 'utf8');
    return data.slice(0, 200);
  }),
);

corral.onCommand('mischief.directWrite', (path) =>
  attempt(() => {
    writeFileSync(text(path), 'written by mischief\n');
    return 'written';
  }),
);

corral.onCommand('mischief.spawn', (program) =>
  attempt(() => {
    const r = spawnSync(text(program), ['-c', 'echo escaped'], { encoding: 'utf8', timeout: 5000 });
    if (r.error) throw r.error;
    return `exit ${r.status}: ${r.stdout.trim()}`;
  }),
);

corral.onCommand('mischief.connect', (host, port) => {
  return new Promise<Outcome>((resolve) => {
    const s = net.connect({ host: text(host), port: Number(port), timeout: 3000 });
    s.on('connect', () => {
      s.destroy();
      resolve({ ok: true, detail: 'connected' });
    });
    s.on('timeout', () => {
      s.destroy();
      resolve({ ok: false, code: 'ETIMEDOUT' });
    });
    s.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ ok: false, code: err.code ?? err.message }),
    );
  });
});

/**
 * A CONNECT through the proxy in HTTPS_PROXY, as any tool would send it: the proxy's status line
 * (or the error met), without speaking TLS after it.
 */
corral.onCommand('mischief.proxyConnect', (host, port) => {
  const proxy = new URL(process.env.HTTPS_PROXY ?? fail('HTTPS_PROXY is not set'));
  const target = `${text(host)}:${Number(port)}`;
  return new Promise<string>((resolve) => {
    const s = net.connect({ host: proxy.hostname, port: Number(proxy.port) });
    let got = '';
    s.on('connect', () => s.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
    s.on('data', (chunk: Buffer) => {
      got += chunk.toString('latin1');
      const end = got.indexOf('\r\n');
      if (end === -1) return;
      s.destroy();
      resolve(got.slice(0, end));
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`));
    s.on('close', () => resolve(got ? got.split('\r\n')[0]! : 'closed without an answer'));
  });
});

// ---- resource abuse -------------------------------------------------------------------------

/**
 * Allocates and touches 8 MiB buffers until an allocation is refused, and reports how far it got;
 * with "heap", fills the JavaScript heap instead, which the runtime cannot survive.
 */
corral.onCommand('mischief.memoryBomb', (kind) => {
  if (kind === 'heap') {
    const hoard: number[][] = [];
    for (;;) hoard.push(Array.from({ length: 1 << 16 }, (_, i) => i + hoard.length));
  }
  const blocks: Buffer[] = [];
  try {
    for (;;) blocks.push(Buffer.alloc(8 * 1024 * 1024, 1));
  } catch (err) {
    const allocatedMB = blocks.length * 8;
    blocks.length = 0;
    return { allocatedMB, error: (err as Error).message.split('\n')[0] };
  }
});

corral.onCommand('mischief.spin', () => {
  for (;;) {
    // burn the CPU and never yield to the event loop
  }
});

corral.onCommand('mischief.never', () => new Promise(() => {}));

corral.onCommand('mischief.crash', () => process.exit(3));

/** `count` log notifications, then `count` calls, all at once; how the host answered them. */
corral.onCommand('mischief.flood', async (count) => {
  const n = Number(count ?? 10_000);
  for (let i = 0; i < n; i++) void corral.log.info(`flood ${i}`);
  const answers = await Promise.all(
    Array.from({ length: n }, () =>
      corral.fs.stat(workspace ?? '/').then(
        () => 'ok',
        (err: unknown) => String(err instanceof CorralError ? err.code : err),
      ),
    ),
  );
  const tally: Record<string, number> = {};
  for (const a of answers) tally[a] = (tally[a] ?? 0) + 1;
  return { logs: n, calls: n, answers: tally };
});

/** `count` lines on stdout with console.log, as fast as it can; answers once they are written. */
corral.onCommand('mischief.shout', (count) => {
  const n = Number(count ?? 100_000);
  for (let i = 0; i < n; i++) console.log(`shout ${i}`);
  return { lines: n };
});

/** `count` log notifications, then `calls` calls: how the host answered the calls. */
corral.onCommand('mischief.logFlood', async (count, calls) => {
  const n = Number(count ?? 100_000);
  const written: Promise<void>[] = [];
  for (let i = 0; i < n; i++) written.push(corral.log.info(`flood ${i}`));
  await Promise.all(written);
  const answers: Record<string, number> = {};
  for (let i = 0; i < Number(calls ?? 0); i++) {
    const a = await corral.fs.stat(workspace ?? '/').then(
      () => 'ok',
      (err: unknown) => String(err instanceof CorralError ? err.code : err),
    );
    answers[a] = (answers[a] ?? 0) + 1;
  }
  return { logs: n, answers };
});

/** A result of `megabytes` MiB: over the 16 MiB frame limit from 16 on. */
corral.onCommand('mischief.bigResult', (megabytes) => 'x'.repeat(Number(megabytes) * 1024 * 1024));

/**
 * Broken frames written raw on the protocol socket; returns the host's answers to them (errors
 * with the id they carried, or null). The SDK sees those answers too and reports them on stderr.
 */
corral.onCommand('mischief.garbage', async () => {
  const answers: { id: unknown; code: number }[] = [];
  let pending = '';
  const tap = (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        const m = JSON.parse(line) as { id?: unknown; error?: { code: number } };
        if (m.error && (m.id === null || m.id === 'deep'))
          answers.push({ id: m.id, code: m.error.code });
      } catch {
        // a frame of the SDK's own conversation, not ours to read
      }
    }
  };
  socket.on('data', tap);
  const frames: (string | Buffer)[] = [
    'this is not JSON\n',
    Buffer.from([0xff, 0xfe, 0x7b, 0x7d, 0x0a]), // not UTF-8
    '[{"jsonrpc":"2.0","id":7,"method":"fs/read","params":{"path":"/etc/passwd"}}]\n', // a batch
    `{"jsonrpc":"2.0","id":"deep","method":"fs/stat","params":${'['.repeat(100)}${']'.repeat(100)}}\n`,
    Buffer.alloc(16 * 1024 * 1024 + 16, 0x61), // one line over the 16 MiB frame limit...
    '\n', // ...ended here
  ];
  for (const frame of frames) {
    if (!socket.write(frame)) await new Promise((r) => socket.once('drain', r));
  }
  const deadline = Date.now() + 5000;
  while (answers.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  socket.off('data', tap);
  return { answers };
});

function text(value: unknown): string {
  if (typeof value !== 'string') fail(`expected a string argument, got ${JSON.stringify(value)}`);
  return value;
}

function fail(message: string): never {
  throw new CorralError(ErrorCode.InvalidParams, message);
}

function attempt(run: () => string): Outcome {
  try {
    return { ok: true, detail: run() };
  } catch (err) {
    return { ok: false, code: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}
