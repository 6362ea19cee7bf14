// nobody-pass: not needed (the host's own logic; the runtime suites drive the helper as nobody)
// The host service through the UI contract, with the real examples in real sandboxes and two UIs
// connected: install with consent, run a command, a question answered in one UI closes in the
// other, allow once / deny / deny always, a revocation felt at once, quarantine, the live log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName, EventPayload } from '../../app/contract/index.ts';
import { openAuditStore } from '../../app/audit/store.ts';
import { createHostService } from '../../app/service/host.ts';
import type { HostService, UiSession } from '../../app/service/host-service.ts';
import { createServices } from '../../app/service/services.ts';

const repo = new URL('../..', import.meta.url).pathname;
let root: string;
let host: HostService;
let workspace: string;
let downloads: string;

interface Ui {
  session: UiSession;
  events: { name: EventName; payload: unknown }[];
  /** Resolves with the next event `name` that satisfies `match`. */
  next<E extends EventName>(
    name: E,
    match?: (p: EventPayload<E>) => boolean,
    ms?: number,
  ): Promise<EventPayload<E>>;
  call(method: string, input?: unknown): Promise<unknown>;
  disconnect(): void;
}

function ui(label: string): Ui {
  const session: UiSession = { id: `test-${label}`, shell: 'serve', label };
  const events: Ui['events'] = [];
  const waiters = new Set<{
    name: EventName;
    match: (p: never) => boolean;
    done: (p: never) => void;
  }>();
  const disconnect = host.connect(session, (name, payload) => {
    events.push({ name, payload });
    for (const w of waiters)
      if (w.name === name && w.match(payload as never)) {
        waiters.delete(w);
        w.done(payload as never);
      }
  });
  return {
    session,
    events,
    next: (name, match = () => true, ms = 20_000) =>
      new Promise((resolve, reject) => {
        const w = {
          name,
          match: match as (p: never) => boolean,
          done: resolve as (p: never) => void,
        };
        waiters.add(w);
        setTimeout(() => {
          if (waiters.delete(w)) reject(new Error(`${label}: no ${name} within ${ms} ms`));
        }, ms).unref();
      }),
    async call(method, input = {}) {
      const r = await host.call(session, method, input);
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
      return r.value;
    },
    disconnect,
  };
}

let a: Ui;
let b: Ui;

async function install(example: string): Promise<void> {
  const staged = (await a.call('extensions.stage', {
    source: { kind: 'path', path: join(repo, 'examples', example) },
  })) as { token: string; needsConsent: boolean; summary: { sentence: string }[] };
  assert.equal(staged.needsConsent, true);
  assert.ok(staged.summary.length > 0, 'the consent sheet says what it may touch');
  await a.call('extensions.install', { token: staged.token, consent: true });
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'corral-host-'));
  chmodSync(root, 0o755);
  workspace = join(root, 'workspace');
  mkdirSync(join(workspace, 'notes'), { recursive: true });
  writeFileSync(join(workspace, 'a.md'), 'one two three\n');
  const home = join(root, 'home');
  downloads = join(home, 'Downloads');
  mkdirSync(downloads, { recursive: true });
  writeFileSync(join(downloads, 'ideas.md'), '# Ideas\n');
  const env = {
    HOME: home,
    XDG_DATA_HOME: join(root, 'data'),
    XDG_STATE_HOME: join(root, 'state'),
    XDG_DOWNLOAD_DIR: downloads,
  };
  host = await createHostService({
    env,
    shell: 'serve',
    services: createServices({ env }),
    workspace,
  });
  a = ui('first tab');
  b = ui('second tab');
  for (const example of ['word-count', 'notes-sync', 'mischief']) await install(example);
});

after(async () => {
  await host.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the host service through the contract', { timeout: 180_000 }, () => {
  it('installs only with consent, and every UI hears of it', async () => {
    const list = (await b.call('extensions.list')) as { id: string; state: string }[];
    assert.deepEqual(list.map((e) => [e.id, e.state]).sort(), [
      ['corral-examples.mischief', 'stopped'],
      ['corral-examples.notes-sync', 'stopped'],
      ['corral-examples.word-count', 'stopped'],
    ]);
    const staged = (await a.call('extensions.stage', {
      source: { kind: 'path', path: join(repo, 'examples', 'github-stars') },
    })) as { token: string };
    await a.call('extensions.cancelInstall', { token: staged.token });
    const after = (await a.call('extensions.list')) as { id: string }[];
    assert.ok(
      !after.some((e) => e.id === 'corral-examples.github-stars'),
      'cancel installs nothing',
    );
  });

  it('runs a command, starting the extension on demand; its accesses stream live', async () => {
    const live = a.next('onAuditEvents', (p) =>
      p.events.some((e) => e.op === 'read' && e.target.endsWith('a.md')),
    );
    const r = (await a.call('commands.run', {
      extensionId: 'corral-examples.word-count',
      command: 'wordcount.count',
      args: [join(workspace, 'a.md')],
    })) as { result: { total: number } };
    assert.equal(r.result.total, 3);
    await live;
    const state = (await b.call('extensions.get', { id: 'corral-examples.word-count' })) as {
      summary: { state: string };
    };
    assert.equal(state.summary.state, 'running');
  });

  it('a question answered Allow once in one UI closes in the other; the call succeeds', async () => {
    const asked = b.next('onPrompt');
    const run = a.call('commands.run', {
      extensionId: 'corral-examples.notes-sync',
      command: 'notes.import',
      args: [join(downloads, 'ideas.md')],
    });
    const prompt = await asked;
    assert.match(prompt.question, /Notes Sync asks for more access/);
    assert.deepEqual(prompt.rules, ['read ${downloads}']);
    const closedInA = a.next('onPromptClosed', (c) => c.id === prompt.id);
    await b.call('prompts.answer', { id: prompt.id, answer: 'allow-once' });
    const closed = await closedInA;
    assert.equal(closed.why, 'answered');
    assert.match(closed.message, /second tab: Allow once/);
    const result = (await run) as { result: { imported: string } };
    assert.equal(result.result.imported, join(downloads, 'ideas.md'));
    assert.deepEqual(await a.call('prompts.list'), []);
  });

  it('Deny fails the call; Deny always is not asked again', async () => {
    await a.call('extensions.restart', { id: 'corral-examples.notes-sync' }); // "once" is over
    const importIdeas = () =>
      a.call('commands.run', {
        extensionId: 'corral-examples.notes-sync',
        command: 'notes.import',
        args: [join(downloads, 'ideas.md')],
      });
    let prompt = b.next('onPrompt');
    let run = importIdeas();
    await a.call('prompts.answer', { id: (await prompt).id, answer: 'deny' });
    await assert.rejects(run, /reading Downloads was not allowed/);

    prompt = b.next('onPrompt');
    run = importIdeas();
    await a.call('prompts.answer', { id: (await prompt).id, answer: 'deny-always' });
    await assert.rejects(run, /not allowed/);
    const before = b.events.filter((e) => e.name === 'onPrompt').length;
    await assert.rejects(importIdeas(), /not allowed/);
    assert.equal(
      b.events.filter((e) => e.name === 'onPrompt').length,
      before,
      'no second question',
    );
    const denied = (await a.call('grants.listDeniedAlways')) as { rule: string }[];
    assert.deepEqual(
      denied.map((d) => d.rule),
      ['read ${downloads}'],
    );
    const details = (await a.call('extensions.get', { id: 'corral-examples.notes-sync' })) as {
      grants: { rule: string; state: string }[];
    };
    assert.equal(
      details.grants.find((g) => g.rule === 'optional read ${downloads}')?.state,
      'denied-always',
    );
    await a.call('grants.resetDeniedAlways', {
      ext: 'corral-examples.notes-sync',
      rule: 'read ${downloads}',
    });
    prompt = b.next('onPrompt');
    run = importIdeas();
    await a.call('prompts.answer', { id: (await prompt).id, answer: 'deny' });
    await assert.rejects(run, /not allowed/);
  });

  it('a revoked grant is felt at once by the running extension', async () => {
    const file = join(workspace, 'a.md');
    await a.call('commands.run', {
      extensionId: 'corral-examples.mischief',
      command: 'mischief.readFile',
      args: [file],
    });
    await a.call('grants.revoke', { id: 'corral-examples.mischief', rule: 'read ${workspace}' });
    await assert.rejects(
      a.call('commands.run', {
        extensionId: 'corral-examples.mischief',
        command: 'mischief.readFile',
        args: [file],
      }),
      /permission denied/,
    );
  });

  it('quarantine stops the extension and keeps it from running', async () => {
    const changed = b.next(
      'onExtensionState',
      (p) => 'extension' in p && p.extension.state === 'quarantined',
    );
    await a.call('extensions.quarantine', {
      id: 'corral-examples.mischief',
      reason: 'read files it should not',
    });
    await changed;
    await assert.rejects(
      a.call('commands.run', {
        extensionId: 'corral-examples.mischief',
        command: 'mischief.ping',
        args: [],
      }),
      /quarantined/,
    );
  });

  it('a filter and an export of the log', async () => {
    const page = (await a.call('audit.query', {
      ext: 'corral-examples.word-count',
      text: 'A.MD',
      limit: 50,
    })) as { events: { op: string; target: string; reason: string }[] };
    assert.ok(page.events.length > 0, 'the file was read');
    for (const e of page.events) assert.match(`${e.op} ${e.target} ${e.reason}`, /a\.md/i);
    const exported = (await a.call('audit.export', {
      filter: { decision: 'deny' },
      format: 'jsonl',
    })) as { content: string; events: number };
    const lines = exported.content.trim().split('\n');
    assert.equal(lines.length, exported.events);
    assert.ok(lines.every((l) => (JSON.parse(l) as { decision: string }).decision === 'deny'));
  });

  it('a debug session through the contract: its terminal takes input, the sandbox still applies, its events stay apart', async () => {
    const dir = join(root, 'dev-probe');
    cpSync(join(repo, 'test/integration/fixtures/dev-probe'), dir, { recursive: true });
    const started = b.next('onDevState', (s) => s.state === 'ready');
    const view = (await a.call('dev.start', { dir })) as { id: string; state: string };
    assert.equal(view.state, 'ready');
    assert.equal((await started).id, view.id);
    const session = view.id;

    // The terminal: a program that needs one has it, and what it prints arrives filtered.
    const printed = b.next('onDevOutput', (p) => p.session === session && p.data.includes(':end'));
    const tty = (await a.call('dev.run', { session, command: 'probe.tty' })) as {
      result: unknown;
    };
    assert.deepEqual(tty.result, { isatty: true, cols: 80 });
    const out = (await printed).data;
    // eslint-disable-next-line no-control-regex -- the colours the filter keeps
    assert.match(out, /probe:\x1b\[32mgreen\x1b\[0m:end/);
    // eslint-disable-next-line no-control-regex -- the sequences the filter drops
    assert.doesNotMatch(out, /owned-title|ZXZpbA|\x1b\]|\x1b\[6n/);

    // Input: what the UI types reaches the program reading its terminal.
    const asked = b.next('onDevOutput', (p) => p.session === session && p.data.includes('name? '));
    const answer = a.call('dev.run', { session, command: 'probe.prompt' });
    await asked;
    await a.call('dev.input', { session, data: 'ada\r' });
    assert.deepEqual(await answer, { result: 'ada' });

    // The sandbox still applies: production's rules refuse what the manifest does not grant.
    const denied = b.next('onDevLog', (p) =>
      p.lines.some((l) => l.kind === 'access' && /\/etc\/hostname: deny/.test(l.text)),
    );
    const refused = (await a.call('dev.run', {
      session,
      command: 'probe.read',
      args: ['/etc/hostname'],
    })) as { result: unknown };
    assert.deepEqual(refused.result, { refused: 'PermissionDenied' });
    await denied;
    const stopped = b.next('onDevState', (s) => s.id === session && s.state === 'stopped');
    // Stopped from both windows at once: one stop, and neither is told of an error.
    await Promise.all([a.call('dev.stop', { session }), b.call('dev.stop', { session })]);
    await stopped;
    await assert.rejects(a.call('dev.stop', { session }), /not-found: no debug session/);
    // Debug events go to the debug store as debug:ID, never to the production log.
    const production = (await a.call('audit.query', { text: 'dev-probe', limit: 50 })) as {
      events: unknown[];
    };
    assert.deepEqual(production.events, []);
    const store = openAuditStore(join(root, 'state', 'corral', 'dev-audit.db'), { readonly: true });
    try {
      const debug = store.query({ text: 'hostname', limit: 50 });
      assert.ok(debug.length > 0, 'the refusal is in the debug store');
      assert.ok(debug.every((e) => e.ext === 'debug:corral-tests.dev-probe'));
    } finally {
      store.close();
    }
    assert.deepEqual(await a.call('dev.list'), []);
    await assert.rejects(
      a.call('dev.input', { session, data: 'x' }),
      /not-found: no debug session/,
    );
  });

  it('a debug session whose extension dies at start shows why in its status, with the fix', async () => {
    const dir = join(root, 'dev-missing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.mjs'), "import 'left-pad';\n");
    writeFileSync(
      join(dir, 'corral.json'),
      JSON.stringify({
        manifestVersion: 1,
        id: 'corral-tests.dev-missing',
        name: 'Dev Missing',
        version: '1.0.0',
        publisher: 'corral-tests',
        description: 'Requires a module it does not ship',
        runtime: 'node',
        main: 'main.mjs',
        permissions: {},
      }),
    );
    const crashed = b.next('onDevState', (s) => s.state === 'crashed');
    const view = (await a.call('dev.start', { dir })) as {
      id: string;
      state: string;
      detail: string;
    };
    const why =
      /^corral-tests\.dev-missing did not start: the extension went away: the module "left-pad" is not in the extension folder \(exit status 1\); fix: install it inside the folder \(npm install left-pad\)/;
    assert.equal(view.state, 'crashed');
    assert.match(view.detail, why);
    assert.match((await crashed).detail, why);
    await a.call('dev.stop', { session: view.id });
    // Said in the status, not repeated as a log line of its own.
    const logged = b.events
      .filter((e) => e.name === 'onDevLog')
      .flatMap((e) => (e.payload as { lines: { text: string }[] }).lines)
      .filter((l) => l.text.includes('left-pad'));
    assert.deepEqual(logged, []);
  });

  it('commands at once for a stopped extension start it once', async () => {
    const id = 'corral-examples.word-count';
    await a.call('extensions.stop', { id });
    const { headSeq } = (await a.call('audit.query', { limit: 1 })) as { headSeq: number };
    const run = () =>
      a.call('commands.run', {
        extensionId: id,
        command: 'wordcount.count',
        args: [join(workspace, 'a.md')],
      }) as Promise<{ result: { total: number } }>;
    for (const r of await Promise.all([run(), run(), run()])) assert.equal(r.result.total, 3);
    const since = (await a.call('audit.query', {
      ext: id,
      kind: 'lifecycle',
      afterSeq: headSeq,
    })) as { events: { op: string; reason: string }[] };
    const starts = since.events.filter((e) => e.op === 'start' && e.reason === 'ready');
    assert.equal(starts.length, 1, JSON.stringify(since.events));
  });

  it('a stop that comes while the extension starts stops that start; a command after it starts afresh', async () => {
    const id = 'corral-examples.word-count';
    await a.call('extensions.stop', { id });
    const run = a.call('commands.run', {
      extensionId: id,
      command: 'wordcount.count',
      args: [join(workspace, 'a.md')],
    });
    const stopping = a.call('extensions.stop', { id });
    // A command that comes after the Stop is not caught in it: it starts the extension afresh.
    const later = a.call('commands.run', {
      extensionId: id,
      command: 'wordcount.count',
      args: [join(workspace, 'a.md')],
    }) as Promise<{ result: { total: number } }>;
    await stopping;
    await assert.rejects(run, /did not start: stopped by the user/);
    assert.equal((await later).result.total, 3);
    await a.call('extensions.stop', { id });
    const after = (await b.call('extensions.get', { id })) as { summary: { state: string } };
    assert.notEqual(after.summary.state, 'running');
    // An uninstall removes the files the start reads: the reason is the uninstall, not a
    // broken package.
    const doomed = a.call('commands.run', {
      extensionId: id,
      command: 'wordcount.count',
      args: [join(workspace, 'a.md')],
    });
    await a.call('extensions.uninstall', { id, keepData: false });
    await assert.rejects(doomed, /did not start: uninstalled$/);
    await install('word-count');
    // Control: with no stop, the same command starts it.
    await a.call('commands.run', {
      extensionId: id,
      command: 'wordcount.count',
      args: [join(workspace, 'a.md')],
    });
  });

  it('restarts at once, with a command among them: each succeeds, and one copy runs', async () => {
    const id = 'corral-examples.word-count';
    const count = () =>
      a.call('commands.run', {
        extensionId: id,
        command: 'wordcount.count',
        args: [join(workspace, 'a.md')],
      });
    await count(); // running, so the first restart has something to stop
    const restart = () => a.call('extensions.restart', { id });
    await Promise.all([restart(), restart(), count(), restart()]);
    const got = (await b.call('extensions.get', { id })) as { summary: { state: string } };
    assert.equal(got.summary.state, 'running');
    assert.equal(sandboxesOf(id), 1, 'one helper: the others were stopped');
  });

  it('a second Stop returns only once the extension is gone, like the first', async () => {
    const id = 'corral-examples.word-count';
    await a.call('commands.run', {
      extensionId: id,
      command: 'wordcount.count',
      args: [join(workspace, 'a.md')],
    });
    assert.equal(sandboxesOf(id), 1, 'control: it runs');
    const first = a.call('extensions.stop', { id });
    await b.call('extensions.stop', { id });
    assert.equal(sandboxesOf(id), 0, 'gone when the second Stop returned');
    await first;
  });

  // Last: it closes the host (the after hook's close is then the same promise).
  it('a close names the extensions it is still stopping, by display name, until they stop', async () => {
    await a.call('commands.run', {
      extensionId: 'corral-examples.word-count',
      command: 'wordcount.count',
      args: [join(workspace, 'a.md')],
    });
    const listed = (await a.call('extensions.list')) as { name: string; state: string }[];
    const names = listed.filter((s) => s.state === 'running').map((s) => s.name);
    assert.ok(names.includes('Word Count'), 'control: one extension is running before the close');
    assert.deepEqual(host.stopping(), [], 'nothing is stopping before the close');
    const closing = host.close();
    assert.deepEqual(host.stopping().sort(), names.sort());
    await closing;
    assert.deepEqual(host.stopping(), []);
  });
});

/** The sandbox helpers this process started for extension `id` that are still running (their
 * pid-1 children, which share the helper's command line, are not counted: their parent is the
 * helper). */
function sandboxesOf(id: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const args = cmd.split('\0');
      const ours = ppid === process.pid && args[0]!.endsWith('/corral-sandbox');
      if (ours && args.some((a) => a.includes(`/extensions/${id}/`))) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}
