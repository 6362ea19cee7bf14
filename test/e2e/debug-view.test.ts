// nobody-pass: not needed (the browser drives the host; the sandbox suites cover the helper as nobody)
// The Debug view in real Chromium against `corral serve`, from the keyboard: a session started on
// an example's folder in production's sandbox, what differs from production listed, keys typed
// into its terminal echoed by its pseudo-terminal, its commands run (a refusal marked "Denied:",
// a fetch only --net log allowed marked "Debug only:"), Reload restarting it and Stop ending it;
// then a learning run whose proposal is rejected (nothing written) and accepted (written, reloaded).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { launchChromium } from './fixtures/chromium.ts';
import { requireBuiltRenderer, seriousAxeViolations } from './fixtures/renderer-page.ts';
import { shoot } from './fixtures/screenshot.ts';

const repo = new URL('../../', import.meta.url).pathname;
const cli = join(repo, 'dist/corral.cjs');

let root: string;
let folder: string;
/** A local web server: an address the example's manifest does not grant. */
let web: Server;
let webUrl: string;
let serve: ChildProcess;
let browser: Browser;
let page: Page;
const problems: string[] = [];

const isFocused = (target: Locator) =>
  target.evaluate((el) => el === (el.ownerDocument.activeElement as unknown));

/** Presses Tab until `target` has focus: the way a keyboard user reaches it. */
async function tabTo(target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${target}`);
}

/** Loads the page again; resolves once its dev.list call was answered (the sessions are known). */
async function reloadAndListSessions(): Promise<void> {
  const listed = new Promise<void>((resolve) =>
    page.once('websocket', (ws) => {
      let id: number | null = null;
      ws.on('framesent', (f) => {
        const frame = JSON.parse(String(f.payload)) as { id: number; method: string };
        if (frame.method === 'dev.list') id = frame.id;
      });
      ws.on('framereceived', (f) => {
        if (id !== null && (JSON.parse(String(f.payload)) as { id?: number }).id === id) resolve();
      });
    }),
  );
  await page.reload();
  await listed;
}

before(async () => {
  requireBuiltRenderer();
  root = mkdtempSync(join(tmpdir(), 'corral-e2e-debug-'));
  // A copy of the example: a debug session watches its folder and may write a proposal into it.
  folder = join(root, 'mischief');
  cpSync(join(repo, 'examples/mischief'), folder, { recursive: true });
  web = createServer((_req, res) => res.end('hello from the test'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webUrl = `http://127.0.0.1:${(web.address() as { port: number }).port}/`;
  const home = join(root, 'home');
  mkdirSync(home);
  serve = spawn(process.execPath, [cli, 'serve', '--no-open'], {
    env: {
      PATH: '/usr/bin:/bin',
      HOME: home,
      XDG_DATA_HOME: join(root, 'data'),
      XDG_STATE_HOME: join(root, 'state'),
      XDG_CONFIG_HOME: join(root, 'config'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  serve.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  serve.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const printed = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/;
  const url = await new Promise<string>((resolve, reject) => {
    const look = () => {
      const m = printed.exec(out);
      if (m) resolve(m[0]);
    };
    serve.stdout!.on('data', look);
    serve.once('exit', (code) => reject(new Error(`corral serve exited (${code}): ${err}`)));
  });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url);
  await page.getByRole('heading', { level: 1, name: 'Extensions' }).waitFor();
});

after(async () => {
  await browser?.close();
  serve?.kill('SIGKILL');
  web?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the Debug view against corral serve', { timeout: 60_000 }, () => {
  let panel: Locator;

  it('opens from the keyboard and starts a session on an extension folder', async () => {
    await tabTo(page.getByRole('link', { name: 'Debug' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Debug' }).waitFor();
    const form = page.getByRole('form', { name: 'Start a debug session' });
    await tabTo(form.getByRole('textbox', { name: /Extension folder/ }));
    await page.keyboard.type(folder);
    await page.keyboard.press('Tab');
    await form
      .getByRole('combobox', { name: 'Network' })
      .selectOption({ label: 'Allow what production denies, and show each access' });
    await form.getByRole('textbox', { name: /Extension folder/ }).press('Enter');

    panel = page.getByRole('region', { name: 'Mischief', exact: true });
    await panel
      .getByRole('status')
      .filter({ hasText: /^ready: started$/ })
      .waitFor();
  });

  it('lists what differs from production, and only what was chosen', async () => {
    const differences = panel.getByRole('list', { name: 'Not production' });
    const lines = await differences.getByRole('listitem').allTextContents();
    assert.ok(
      lines.some((l) => l.startsWith('network: --net log')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.startsWith('files: ')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.startsWith('terminal: ')),
      lines.join('\n'),
    );
    // Not chosen, so not there: no learning run, no synthetic endpoints.
    assert.ok(!lines.some((l) => /^(learning|endpoints): /.test(l)), lines.join('\n'));
  });

  it('keys typed into the terminal reach its pseudo-terminal, which echoes them', async () => {
    const terminal = panel.getByRole('log', { name: 'Terminal of Mischief' });
    assert.doesNotMatch((await terminal.textContent()) ?? '', /typed by hand/);
    await tabTo(terminal);
    await page.keyboard.type('typed by hand');
    await page.keyboard.press('Enter');
    await terminal.getByText('typed by hand').waitFor();

    const line = panel.getByRole('form', { name: 'Type a line into Mischief' });
    await line.getByRole('textbox', { name: 'Line' }).fill('sent as a line');
    await line.getByRole('textbox', { name: 'Line' }).press('Enter');
    await terminal.getByText('sent as a line').waitFor();
    assert.equal(await line.getByRole('textbox', { name: 'Line' }).inputValue(), '');
  });

  it('runs its commands: a refusal is marked Denied, what only --net log allowed is marked Debug only', async () => {
    const form = panel.getByRole('form', { name: 'Run a command of Mischief' });
    const command = form.getByRole('combobox', { name: 'Command' });
    const args = form.getByRole('textbox', { name: /Arguments/ });
    const log = panel.getByRole('log', { name: 'Session log of Mischief' });
    const run = async (label: string, value: string) => {
      await command.selectOption({ label });
      await args.fill(value);
      await args.press('Enter');
    };

    await run('Answer pong (it is alive) (mischief.ping)', '');
    await form.getByRole('region', { name: 'Result of mischief.ping' }).getByText('pong').waitFor();

    // Checked before it leaves: nothing runs.
    await run('Read a file through the host (mischief.readFile)', '["/etc/shadow"');
    await form
      .getByRole('alert')
      .getByText(/The arguments are not JSON/)
      .waitFor();
    assert.equal(await log.getByText('/etc/shadow').count(), 0);

    await run('Read a file through the host (mischief.readFile)', '["/etc/shadow"]');
    await form
      .getByRole('alert')
      .getByText(/permission denied: no grant covers \/etc\/shadow/)
      .waitFor();
    const denied = log.getByRole('listitem').filter({ hasText: 'broker fs read /etc/shadow' });
    await denied.waitFor();
    assert.match((await denied.textContent()) ?? '', /Denied: broker fs read \/etc\/shadow: deny/);
    assert.doesNotMatch((await denied.textContent()) ?? '', /Debug only/);

    await run('Fetch a URL through the host (mischief.fetch)', JSON.stringify([webUrl]));
    await form.getByRole('region', { name: 'Result of mischief.fetch' }).getByText('200').waitFor();
    const relaxed = log.getByRole('listitem').filter({ hasText: 'broker net fetch 127.0.0.1' });
    await relaxed.waitFor();
    assert.match((await relaxed.textContent()) ?? '', /Debug only: broker net fetch .*: allow/);
    assert.doesNotMatch((await relaxed.textContent()) ?? '', /Denied/);
    await shoot(page, 'debug');
  });

  it('the host answers a malformed dev.run with one line naming the field, and runs nothing', async () => {
    // What a page that skipped the form's check would send, on a socket of its own (the tab's
    // cookie and origin, as a second tab would).
    const origin = new URL(page.url()).origin;
    const cookie = (await page.context().cookies(origin))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers: { origin, cookie } });
    await once(ws, 'open');
    // Every answer is kept as it arrives: frames that come together are emitted together.
    const results = new Map<number, (result: unknown) => void>();
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(String(data)) as { t: string; id?: number; result?: unknown };
      if (frame.t === 'result' && frame.id !== undefined) results.get(frame.id)?.(frame.result);
    });
    let next = 0;
    const call = (method: string, input: unknown) =>
      new Promise<unknown>((resolve) => {
        const id = ++next;
        results.set(id, resolve);
        ws.send(JSON.stringify({ t: 'call', id, method, input }));
      });
    await call('session.hello', { contractVersion: 1 });
    const listed = (await call('dev.list', {})) as { value: { id: string }[] };
    const session = listed.value[0]!.id;
    const answers = [
      await call('dev.run', { session, command: 'mischief.readFile', args: '/etc/shadow' }),
      await call('dev.run', { session, command: 'mischief.nothing', args: [] }),
    ];
    // A well-formed call after them: its refusal reaches the log after anything they caused.
    await call('dev.run', { session, command: 'mischief.readFile', args: ['/etc/shadow'] });
    ws.close();
    const [malformed, unknown] = answers as {
      ok: boolean;
      error: { code: string; message: string };
    }[];
    assert.deepEqual(malformed, {
      ok: false,
      error: {
        code: 'invalid-input',
        message: 'dev.run: args: Invalid input: expected array, received string',
      },
    });
    assert.equal(unknown?.error.code, 'refused');
    assert.match(
      unknown?.error.message ?? '',
      /^"mischief\.nothing" is not a command of this extension \(it contributes: mischief\.ping, /,
    );
    // Neither reached the extension: the log holds the refusal from before and the well-formed
    // call's, and nothing between them (lines reach the log in the order they happened).
    const denials = panel
      .getByRole('log', { name: 'Session log of Mischief' })
      .getByRole('listitem')
      .filter({ hasText: 'fs read /etc/shadow' });
    await denials.nth(1).waitFor();
    assert.equal(await denials.count(), 2);
  });

  it('Reload lints the folder again and restarts the extension', async () => {
    await tabTo(panel.getByRole('button', { name: 'Reload' }));
    await page.keyboard.press('Enter');
    await panel
      .getByRole('status')
      .filter({ hasText: /^ready: reloaded \(1\)$/ })
      .waitFor();
    await panel
      .getByRole('log', { name: 'Session log of Mischief' })
      .getByText('reload asked: linting, then restarting')
      .waitFor();
  });

  it('the session lives in the host: the page loaded again shows it; axe finds nothing serious', async () => {
    await reloadAndListSessions();
    await page.getByRole('heading', { level: 1, name: 'Debug' }).waitFor();
    await panel
      .getByRole('status')
      .filter({ hasText: /^ready: reloaded \(1\)$/ })
      .waitFor();
    assert.deepEqual(await seriousAxeViolations(page), []);
  });

  it('Stop ends the session: its panel goes, and stays gone when the page loads again', async () => {
    await tabTo(panel.getByRole('button', { name: 'Stop session' }));
    await page.keyboard.press('Enter');
    await panel.waitFor({ state: 'detached' });
    await reloadAndListSessions();
    await page.getByRole('form', { name: 'Start a debug session' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Mischief', exact: true }).count(), 0);
  });

  it('a learning run proposes; Reject writes nothing, Accept writes the proposal and reloads', async () => {
    const learning = join(root, 'mischief-learning');
    cpSync(join(repo, 'examples/mischief'), learning, { recursive: true });
    const before = readFileSync(join(learning, 'corral.json'), 'utf8');
    const form = page.getByRole('form', { name: 'Start a debug session' });
    await form.getByRole('textbox', { name: /Extension folder/ }).fill(learning);
    await form
      .getByRole('combobox', { name: 'Network' })
      .selectOption({ label: 'As in production' });
    await form.getByRole('checkbox', { name: /Learning run/ }).check();
    await form.getByRole('button', { name: 'Start session' }).press('Enter');
    await panel
      .getByRole('status')
      .filter({ hasText: /^ready: started$/ })
      .waitFor();

    // Production would refuse the write (the manifest grants read only); the run records it.
    const run = panel.getByRole('form', { name: 'Run a command of Mischief' });
    await run
      .getByRole('combobox', { name: 'Command' })
      .selectOption({ label: 'Write a file through the host (mischief.writeFile)' });
    await run.getByRole('textbox', { name: /Arguments/ }).fill('["${workspace}/out.txt"]');
    await run.getByRole('textbox', { name: /Arguments/ }).press('Enter');
    await run
      .getByRole('region', { name: 'Result of mischief.writeFile' })
      .getByText('written')
      .waitFor();

    const review = panel.getByRole('region', { name: 'Learning run proposal' });
    await review.getByRole('button', { name: 'Review proposal' }).press('Enter');
    const diff = review.getByLabel('Permissions (+ to add, - to remove)');
    await diff.getByText('+ write ${workspace}').waitFor();
    assert.deepEqual(await seriousAxeViolations(page), []);
    assert.match((await diff.textContent()) ?? '', /- read \$\{workspace\}/);
    assert.match((await diff.textContent()) ?? '', /- connect api\.github\.com:443/);

    await review.getByRole('button', { name: 'Reject' }).press('Enter');
    await diff.waitFor({ state: 'detached' });
    assert.equal(
      readFileSync(join(learning, 'corral.json'), 'utf8'),
      before,
      'Reject wrote nothing',
    );

    await review.getByRole('button', { name: 'Review proposal' }).press('Enter');
    await review.getByRole('button', { name: 'Accept and write' }).press('Enter');
    await review
      .getByRole('status')
      .getByText(/^Wrote .*corral\.json; the session reloads/)
      .waitFor();
    const written = JSON.parse(readFileSync(join(learning, 'corral.json'), 'utf8')) as {
      permissions: { fs?: { path: string; access: string }[]; net?: unknown[] };
    };
    assert.deepEqual(written.permissions.fs, [{ path: '${workspace}', access: 'write' }]);
    assert.equal(written.permissions.net, undefined);
    // The folder changed: the session lints it again and restarts on the written manifest.
    await panel
      .getByRole('status')
      .filter({ hasText: /^ready: reloaded \(1\)$/ })
      .waitFor();

    await panel.getByRole('button', { name: 'Stop session' }).press('Enter');
    await panel.waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
  });
});
