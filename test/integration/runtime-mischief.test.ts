// The mischief example in real sandboxes, through ExtensionRunner: everything its manifest does not
// allow fails the way the user is promised, every refusal is in the audit log, and crashes, hangs,
// memory bombs, floods and broken frames leave the host responsive and the audit complete.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  eventsLike,
  failure,
  runAs,
  stageRuntime,
  startExtension,
  type Running,
  type RuntimeStage,
} from './fixtures/runtime-harness.ts';
import type { AuditEvent } from '../../app/audit-event/event.ts';
import { IpcBus } from '../../app/runtime/ipc-bus.ts';

const RUN_UID = runAs === 'nobody' ? 65534 : process.getuid!();

let stage: RuntimeStage;
let ws: string;
let home: string;

before(() => {
  stage = stageRuntime();
  ws = stage.dir('ws');
  stage.file('ws/readme.md', 'nothing to see\n');
  stage.dir('outside');
  stage.file('outside/secret.txt', 'the host secret\n');
  symlinkSync(join(stage.root, 'outside/secret.txt'), join(ws, 'passwords'));
  home = stage.dir('home');
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  writeFileSync(join(home, '.ssh/id_ed25519'), 'PRIVATE KEY\n', { mode: 0o600 });
});

after(() => stage.close());

type Start = Parameters<typeof startExtension>[2];

/** Starts a copy of mischief (its manifest patched if asked) with the stage's workspace and home. */
async function mischief(
  runName: string,
  o: Start & { patch?: (m: Record<string, unknown>) => void } = {},
): Promise<Running> {
  const dir = stage.example('mischief', o.patch, runName);
  return startExtension(stage, dir, {
    workspace: ws,
    vars: { home, documents: join(home, 'Documents'), downloads: join(home, 'Downloads') },
    runName,
    ...o,
  });
}

/** How many times a counted audit reason happened: "reason" is 1, "N more × reason" is N. */
function counted(events: AuditEvent[], reason: string): number {
  let n = 0;
  for (const e of eventsLike(events, { kind: 'limit', op: 'protocol', outcome: 'limit' })) {
    if (e.reason === reason) n += 1;
    const more = /^(\d+) more × (.*)$/.exec(e.reason);
    if (more && more[2] === reason) n += Number(more[1]);
  }
  return n;
}

describe(`[${runAs}] mischief: every forbidden thing fails, and every refusal is audited`, () => {
  let r: Running;
  let tcp: net.Server;
  let tcpPort: number;
  let connections = 0;
  const hostMessages: unknown[] = [];
  /** Refusals the extension got from the broker; each must have its own audit event. */
  let refusals = 0;

  before(async () => {
    tcp = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    tcpPort = (tcp.address() as net.AddressInfo).port;
    const ipc = new IpcBus();
    for (const channel of ['mischief.status', 'secrets.leak'])
      ipc.subscribe(channel, { id: 'host', deliver: (_c, m) => hostMessages.push(m) });
    r = await mischief('mischief', { ipc });
  });
  after(() => tcp.close());

  const refused = async (command: string, args: unknown[], reason: RegExp) => {
    const e = await failure(r.host.execute(command, args), -32001);
    assert.match(e.message, reason);
    refusals++;
    return e;
  };

  test('reading /etc/shadow or ~/.ssh through the host is refused (-32001)', async () => {
    await refused('mischief.readFile', ['/etc/shadow'], /no grant covers \/etc\/shadow/);
    const key = join(home, '.ssh/id_ed25519');
    await refused('mischief.readFile', [key], /no grant covers/);
    for (const target of ['/etc/shadow', key]) {
      const [event, ...more] = eventsLike(r.events, { kind: 'fs', op: 'read', target });
      assert.equal(more.length, 0);
      assert.equal(event?.layer, 'broker');
      assert.equal(event?.decision, 'deny');
      assert.match(event?.reason ?? '', /no grant covers/);
    }
  });

  test('a symlink in the workspace does not lead out of it, through the host or around it', async () => {
    await refused(
      'mischief.readViaSymlink',
      [],
      /secret\.txt \(.*passwords resolves to .* through a symlink/,
    );
    const denied = eventsLike(r.events, { op: 'read', target: join(ws, 'passwords') });
    assert.deepEqual(
      denied.map((e) => [e.layer, e.decision]),
      [['broker', 'deny']],
    );
    // Inside the sandbox the link points at nothing: its target was never bound.
    assert.deepEqual(await r.host.execute('mischief.directRead', [join(ws, 'passwords')]), {
      ok: false,
      code: 'ENOENT',
    });
  });

  test('writing outside the write grants is refused; around the host the files are read-only or absent', async () => {
    await refused('mischief.writeFile', [join(ws, 'pwned.txt')], /fs\[0\] is read-only/);
    await refused('mischief.writeFile', ['/etc/cron.d/pwned'], /no grant covers/);
    assert.equal(
      eventsLike(r.events, { kind: 'fs', op: 'write', decision: 'deny' }).length,
      2,
      'both refused writes are audited',
    );
    assert.deepEqual(await r.host.execute('mischief.directWrite', [join(ws, 'pwned.txt')]), {
      ok: false,
      code: 'EROFS',
    });
    const outside = await r.host.execute('mischief.directWrite', [
      join(stage.root, 'outside/pwned.txt'),
    ]);
    assert.deepEqual(outside, { ok: false, code: 'ENOENT' });
    for (const f of [join(ws, 'pwned.txt'), join(stage.root, 'outside/pwned.txt')])
      assert.equal(existsSync(f), false, `${f} was written`);
    // Its own data folder is writable, and what it writes there belongs to the run-as user.
    const data = join(stage.root, 'run/mischief/data/own.txt');
    assert.deepEqual(await r.host.execute('mischief.directWrite', [data]), {
      ok: true,
      detail: 'written',
    });
    assert.equal(statSync(data).uid, RUN_UID);
  });

  test('a host, port or address outside the net grants is refused, audited and never contacted', async () => {
    const tries: [string, string][] = [
      ['https://evil.example.com/steal', 'evil.example.com:443'],
      ['https://api.github.com:8443/', 'api.github.com:8443'],
      [`http://127.0.0.1:${tcpPort}/`, `127.0.0.1:${tcpPort}`],
    ];
    for (const [url, target] of tries) {
      await refused('mischief.fetch', [url], /no grant covers/);
      const events = eventsLike(r.events, { kind: 'net', op: 'fetch', target });
      assert.deepEqual(
        events.map((e) => [e.layer, e.decision]),
        [['broker', 'deny']],
        target,
      );
    }
    assert.equal(connections, 0, 'the local server was never contacted');
  });

  test('publishing on an ungranted channel is refused; the granted one is delivered', async () => {
    await refused('mischief.publish', ['secrets.leak'], /publish on "secrets\.leak"/);
    assert.equal(await r.host.execute('mischief.publish', ['mischief.status']), 'published');
    assert.deepEqual(hostMessages, [{ stolen: true }], 'only the granted channel delivered');
    assert.equal(
      eventsLike(r.events, { kind: 'ipc', target: 'secrets.leak', decision: 'deny' }).length,
      1,
    );
  });

  test('around the host: no other program, no TCP connection, nothing of the host via /proc', async () => {
    // One program: the extension's runtime; every later execve is refused (spawn no) and audited
    // (the status line may arrive just after the answer).
    assert.deepEqual(await r.host.execute('mischief.spawn', ['/bin/sh']), {
      ok: false,
      code: 'EPERM',
    });
    const execve = { layer: 'kernel', op: 'execve', decision: 'deny' } as const;
    for (let i = 0; i < 40 && eventsLike(r.events, execve).length === 0; i++) await sleep(25);
    assert.equal(eventsLike(r.events, execve).length, 1, 'the refused execve is audited');
    // The host's loopback (where the server listens) and its other addresses: none is reachable.
    const addresses = ['127.0.0.1'];
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) addresses.push(a.address);
    for (const address of addresses) {
      const outcome = (await r.host.execute('mischief.connect', [address, tcpPort])) as {
        ok: boolean;
        code?: string;
      };
      assert.equal(outcome.ok, false, `${address}:${tcpPort} connected`);
      assert.match(outcome.code ?? '', /^(EACCES|EPERM|ECONNREFUSED|ENETUNREACH)$/, address);
    }
    assert.equal(connections, 0, 'no connection reached the host');
    for (const path of [
      '/etc/shadow',
      join(home, '.ssh/id_ed25519'),
      `/proc/1/root${join(stage.root, 'outside/secret.txt')}`,
      '/proc/1/root/etc/shadow',
      `/proc/1/root${home}/`,
    ]) {
      const outcome = (await r.host.execute('mischief.directRead', [path])) as { ok: boolean };
      assert.equal(outcome.ok, false, `${path}: ${JSON.stringify(outcome)}`);
    }
  });

  test('every refusal the extension met has its own deny event in the audit', () => {
    const brokerDenials = eventsLike(r.events, { layer: 'broker', decision: 'deny' });
    assert.equal(brokerDenials.length, refusals);
    for (const e of brokerDenials) assert.ok(e.reason.length > 0 && e.ext === r.host.id);
    assert.equal(r.host.state, 'ready', 'still running after all of it');
  });
});

describe(`[${runAs}] failure modes leave the host responsive and the audit complete`, () => {
  test('a crash restarts with a growing backoff; repeated crashes disable the extension', async () => {
    const r = await mischief('mischief-crash', {
      restart: { maxCrashes: 3, windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 1000 },
    });
    for (const delay of [100, 200]) {
      const ready = r.waitFor('ready');
      const e = await failure(r.host.execute('mischief.crash'), -32603);
      assert.match(
        e.message,
        /stopped unexpectedly \(exit status 3\) while running mischief\.crash/,
      );
      await ready;
      assert.ok(
        r.states.some(
          (s) => s.state === 'crashed' && s.why === `exit status 3; restarting in ${delay} ms`,
        ),
        JSON.stringify(r.states),
      );
      assert.equal(await r.host.execute('mischief.ping'), 'pong');
    }
    const disabled = r.waitFor('disabled');
    await failure(r.host.execute('mischief.crash'), -32603);
    await disabled;
    await assert.rejects(r.host.execute('mischief.ping'), /not running \(disabled\)/);
    await assert.rejects(r.host.start(), /disabled after repeated crashes; enable it again/);
    // A crash is not a denial: it carries its own outcome (audit event version 2, issue 13).
    const crashes = eventsLike(r.events, { kind: 'lifecycle', op: 'crash', outcome: 'crashed' });
    assert.deepEqual(
      crashes.map((e) => [e.decision, e.reason]),
      Array(3).fill([undefined, 'the extension stopped unexpectedly (exit status 3)']),
    );
    assert.equal(eventsLike(r.events, { op: 'disable', outcome: 'limit' }).length, 1);
    assert.deepEqual(
      r.events.filter((e) => e.decision === 'deny').map((e) => e.op),
      [],
      'nothing here was refused by the policy',
    );
    r.host.enable();
    await r.host.start();
    assert.equal(await r.host.execute('mischief.ping'), 'pong');
  });

  test('a hang (CPU spin, or no answer) hits limits.timeoutMs; the watchdog restarts it', async () => {
    const r = await mischief('mischief-hang', {
      patch: (m) => ((m.limits as Record<string, unknown>).timeoutMs = 1200),
      restart: { maxCrashes: 5, windowMs: 60_000, baseDelayMs: 50, maxDelayMs: 200 },
    });
    for (const command of ['mischief.spin', 'mischief.never']) {
      const ready = r.waitFor('ready');
      const started = performance.now();
      const e = await failure(r.host.execute(command), -32003);
      assert.match(e.message, /did not answer within 1200 ms/);
      assert.ok(performance.now() - started < 4000, 'the watchdog did not wait much longer');
      await ready;
      assert.equal(await r.host.execute('mischief.ping'), 'pong', `alive again after ${command}`);
      const [timeout] = eventsLike(r.events, { kind: 'limit', op: 'timeout', target: command });
      assert.deepEqual([timeout?.decision, timeout?.outcome], [undefined, 'timeout']);
      assert.match(timeout?.reason ?? '', /no answer in 1200 ms \(limits\.timeoutMs\); restarting/);
    }
    assert.equal(eventsLike(r.events, { op: 'crash' }).length, 2, 'each kill is recorded');
  });

  test('a memory bomb stops at limits.memoryMB and the host is unharmed', async () => {
    const r = await mischief('mischief-memory', {
      patch: (m) => ((m.limits as Record<string, unknown>).memoryMB = 160),
      restart: { maxCrashes: 5, windowMs: 60_000, baseDelayMs: 50, maxDelayMs: 200 },
    });
    const hostBefore = process.memoryUsage().rss;
    // Buffers: an allocation is refused before the limit. Near the limit V8 may also fail to
    // commit its own heap during the garbage collection that the Buffers' external memory
    // triggers ("Committing semi space failed"), and then aborts: which of the two comes first
    // is the runtime's timing. Either way the limit held and the extension answers again.
    let ready = r.waitFor('ready');
    const buffers = await r.host.execute('mischief.memoryBomb').then(
      (answer) => answer as { allocatedMB: number; error: string },
      (e: unknown) => e as Error,
    );
    if (buffers instanceof Error) {
      assert.match(buffers.message, /stopped unexpectedly \(killed by signal 6\)/);
      await ready;
    } else {
      const { allocatedMB, error } = buffers;
      assert.ok(allocatedMB > 0 && allocatedMB < 160, `allocated ${allocatedMB} MB under 160 MB`);
      assert.match(error, /allocation failed/i);
    }
    assert.equal(await r.host.execute('mischief.ping'), 'pong');
    const crashesBefore = eventsLike(r.events, { op: 'crash' }).length;
    // The JavaScript heap: the runtime cannot go on and aborts; a crash, restarted like any other.
    ready = r.waitFor('ready');
    const e = await failure(r.host.execute('mischief.memoryBomb', ['heap']), -32603);
    assert.match(
      e.message,
      /stopped unexpectedly \(killed by signal 6\) while running mischief\.memoryBomb/,
    );
    await ready;
    assert.equal(await r.host.execute('mischief.ping'), 'pong');
    assert.deepEqual(
      eventsLike(r.events, { op: 'crash' })
        .slice(crashesBefore)
        .map((c) => c.reason),
      ['the extension stopped unexpectedly (killed by signal 6)'],
    );
    assert.ok(process.memoryUsage().rss - hostBefore < 64 * 1024 * 1024, 'the host did not grow');
  });

  test('a flood is throttled and counted, never silently dropped, while another extension answers', async () => {
    const flood = 10_000;
    // 10,000 calls need more than the default CPU rate (one core, held by the cgroup where the
    // caller has one), and since log lines no longer spend the call budget more calls do real
    // work: allow the CPU and the time.
    const r = await mischief('mischief-flood', {
      rate: { perSecond: 2000, burst: 500 },
      patch: (m) => {
        const limits = m.limits as Record<string, unknown>;
        limits.cpuPercent = 400;
        limits.timeoutMs = 60_000;
      },
    });
    const other = await startExtension(stage, stage.example('word-count'), {
      workspace: ws,
      runName: 'word-count-beside-flood',
    });
    const flooding = r.host.execute('mischief.flood', [flood]);
    let flooded = false;
    void flooding.finally(() => (flooded = true)).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 150));
    const started = performance.now();
    assert.deepEqual(await other.host.execute('wordcount.count'), {
      total: 3,
      files: [{ path: join(ws, 'readme.md'), words: 3 }],
    });
    const latency = performance.now() - started;
    assert.ok(latency < 2000, `word-count answered in ${Math.round(latency)} ms during the flood`);
    assert.equal(flooded, false, 'the flood was still under way');

    const { answers } = (await flooding) as { answers: Record<string, number> };
    assert.equal((answers.ok ?? 0) + (answers['-32003'] ?? 0), flood, JSON.stringify(answers));
    assert.ok((answers['-32003'] ?? 0) > 0, 'some calls were refused for the rate');
    assert.ok((answers.ok ?? 0) > 0, 'calls within the rate were answered');
    await r.host.stop(); // flushes the counted events
    const logged = r.logs.filter((l) => l.message.startsWith('flood ')).length;
    assert.equal(counted(r.events, 'rate limit: calls refused'), answers['-32003']);
    // Log lines have a budget of their own (flood-guard.ts): shown or counted, never lost.
    const logsCut = eventsLike(r.events, { kind: 'limit', op: 'log', outcome: 'limit' })
      .map((e) => Number(/^(\d+) log lines not shown/.exec(e.reason)?.[1]))
      .reduce((a, b) => a + b, 0);
    assert.equal(logged + logsCut, flood);
    assert.ok(logged < flood, 'the log flood was throttled too');
  });

  test('broken frames are answered with errors and audited; the extension and the host go on', async () => {
    const r = await mischief('mischief-garbage');
    const { answers } = (await r.host.execute('mischief.garbage')) as {
      answers: { id: unknown; code: number }[];
    };
    // (The too-deep request is answered with id null although its id could be read: the decoder
    // checks the depth before it looks at the envelope.)
    assert.deepEqual(answers.map((a) => a.code).sort(), [-32003, -32600, -32600, -32700, -32700]);
    const protocol = eventsLike(r.events, { kind: 'limit', op: 'protocol', outcome: 'limit' });
    assert.equal(protocol.length, 5, JSON.stringify(protocol.map((e) => e.reason)));
    assert.ok(protocol.every((e) => e.reason.startsWith('malformed frame: ')));
    assert.equal(await r.host.execute('mischief.ping'), 'pong');
    assert.equal(r.host.state, 'ready');
    assert.equal(eventsLike(r.events, { op: 'crash' }).length, 0);
  });
});
