// Screenshots of every view of the renderer, light and dark, into docs/images/.
//   node --import tsx scripts/screenshots.ts              the fake host (test/e2e/fixtures): ui-*.png
//   node --import tsx scripts/screenshots.ts --url URL    a running corral serve (its printed URL)
//   node --import tsx scripts/screenshots.ts --e2e        the end-to-end runs against corral serve
//                                                         with the real examples (app.test.ts,
//                                                         debug-view.test.ts): app-*.png
// Against the fake host it also shows a permission prompt, the consent sheet, the palette and a
// debug session.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/e2e/fixtures/chromium.ts';
import { startFakeHost, type FakeServe } from '../test/e2e/fixtures/fake-host.ts';
import { choosePackage } from '../test/e2e/fixtures/renderer-page.ts';

const out = new URL('../docs/images/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
if (process.argv.includes('--e2e')) {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      ...['app', 'debug-view'].map(
        (name) => new URL(`../test/e2e/${name}.test.ts`, import.meta.url).pathname,
      ),
    ],
    { stdio: 'inherit', env: { ...process.env, CORRAL_E2E_SCREENSHOTS: out } },
  );
  process.exit(run.status ?? 1);
}
const urlAt = process.argv.indexOf('--url');
const given = urlAt < 0 ? null : process.argv[urlAt + 1];
if (urlAt >= 0 && !given) throw new Error('--url needs the address corral serve printed');

const fake: FakeServe | null = given
  ? null
  : await startFakeHost({ auditEvents: 5000, metrics: true, rate: 0 });
const base = given ?? fake!.url;
const browser = await launchChromium();

/** Opens `hash` (relative to the page the URL names) and waits for its heading. */
async function open(page: Page, hash: string, heading: string) {
  // A same-document navigation: only the hash changes, nothing is requested again.
  await page.goto(new URL(hash, page.url()).href);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

const shots: string[] = [];
async function shoot(page: Page, name: string) {
  // Let the chart, the countdown and fonts settle.
  await page.waitForTimeout(400);
  const file = `${out}ui-${name}.png`;
  await page.screenshot({ path: file });
  shots.push(file);
}

/**
 * The Debug view with a session the fake host stages: started from the form, with its log (a
 * relaxed fetch marked "Debug only", a denial), a question, and keys typed into its terminal and
 * echoed. The session is stopped afterwards, since the fake host outlives the page.
 */
async function shootDebug(page: Page, host: FakeServe, scheme: string) {
  await open(page, '#/debug', 'Debug');
  const form = page.getByRole('form', { name: 'Start a debug session' });
  await form.getByRole('textbox', { name: /Extension folder/ }).fill('/home/ada/src/notes');
  await form
    .getByRole('combobox', { name: 'Network' })
    .selectOption({ label: 'Allow what production denies, and show each access' });
  await form.getByRole('button', { name: 'Start session' }).click();
  const panel = page.getByRole('region', { name: 'Notes' });
  await panel.getByRole('status').waitFor();
  const session = [...host.host.devSessions.keys()].at(-1)!;
  const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 9, 30, s)).toISOString();
  host.host.emit('onDevLog', {
    session,
    lines: [
      {
        ts: at(1),
        kind: 'log',
        text: 'info: notes 1.0.0 starts in /tmp/corral-dev-4242-a1b2c3/files/workspace',
        debug: false,
        level: 'info',
      },
      {
        ts: at(2),
        kind: 'access',
        text: 'broker fs read /tmp/corral-dev-4242-a1b2c3/files/workspace/todo.md: allow (granted by read ${workspace})',
        debug: false,
        level: 'allow',
      },
      {
        ts: at(3),
        kind: 'access',
        text: 'broker net fetch api.example.com:443: allow (would be denied in production: no net grant for api.example.com)',
        debug: true,
        level: 'allow',
      },
      {
        ts: at(4),
        kind: 'access',
        text: 'broker fs read /etc/shadow: deny (outside every fs grant)',
        debug: false,
        level: 'deny',
      },
    ],
  });
  const terminal = panel.getByRole('log', { name: 'Terminal of Notes' });
  host.host.emit('onDevOutput', { session, data: 'notes 1.0.0 ready\r\n> ' });
  await terminal.getByText('notes 1.0.0 ready').waitFor();
  await terminal.focus();
  await page.keyboard.type('sync --dry-run');
  await page.keyboard.press('Enter');
  await terminal.getByText('> sync --dry-run').waitFor();
  await panel.getByRole('log', { name: 'Session log of Notes' }).getByText('/etc/shadow').waitFor();
  await shoot(page, `debug-${scheme}`);
  await panel.getByRole('button', { name: 'Stop session' }).click();
  await panel.waitFor({ state: 'detached' });

  // A learning run: a command's result, then the proposal under review.
  await form.getByRole('checkbox', { name: /Learning run/ }).check();
  await form.getByRole('button', { name: 'Start session' }).click();
  const run = panel.getByRole('form', { name: 'Run a command of Notes' });
  await run.getByRole('textbox', { name: /Arguments/ }).fill('["todo.md"]');
  await run.getByRole('button', { name: 'Run' }).click();
  await run.getByRole('region', { name: /^Result of/ }).waitFor();
  const review = panel.getByRole('region', { name: 'Learning run proposal' });
  await review.getByRole('button', { name: 'Review proposal' }).click();
  const accept = review.getByRole('button', { name: 'Accept and write' });
  await accept.scrollIntoViewIfNeeded();
  await shoot(page, `debug-proposal-${scheme}`);
  await review.getByRole('button', { name: 'Reject' }).click();
  await panel.getByRole('button', { name: 'Stop session' }).click();
  await panel.waitFor({ state: 'detached' });
  await form.getByRole('checkbox', { name: /Learning run/ }).uncheck();
}

try {
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({
      colorScheme: scheme,
      viewport: { width: 1440, height: 900 },
    });
    const page = await context.newPage();
    await page.goto(base);
    await page.getByRole('link', { name: 'Extensions' }).waitFor();

    await open(page, '#/extensions/acme.notes-sync', 'Extensions');
    await page.getByRole('heading', { level: 2, name: 'Notes Sync' }).waitFor();
    await shoot(page, `extensions-${scheme}`);

    await open(page, '#/access-log', 'Access log');
    // An event's details beside the log, when there is one to show.
    const rows = page.getByRole('row');
    if ((await rows.count()) > 2) await rows.nth(2).click();
    await shoot(page, `access-log-${scheme}`);

    await open(page, '#/dashboard', 'Dashboard');
    await shoot(page, `dashboard-${scheme}`);

    await open(page, '#/settings', 'Settings');
    await shoot(page, `settings-${scheme}`);

    if (fake) await shootDebug(page, fake, scheme);

    if (fake) {
      await open(page, '#/extensions/evil.invoice', 'Extensions');
      await page.getByRole('heading', { level: 2 }).waitFor();
      await shoot(page, `hostile-text-${scheme}`);

      await open(page, '#/extensions/acme.notes-sync', 'Extensions');
      await page.keyboard.press('Control+k');
      await page.getByRole('combobox', { name: 'Search commands' }).fill('sync');
      await shoot(page, `commands-${scheme}`);
      await page.keyboard.press('Escape');

      await choosePackage(
        page,
        () => page.getByRole('button', { name: 'Install extension' }).click(),
        { name: 'todo-lists-1.0.0.tgz', mimeType: 'application/gzip', buffer: Buffer.from('fake') },
      );
      await page.getByRole('dialog').waitFor();
      await shoot(page, `consent-${scheme}`);
      await page.getByRole('button', { name: 'Cancel' }).click();

      const prompt = fake.host.ask({ waiting: 2 });
      await page.getByRole('alertdialog').waitFor();
      // Past the second in which the answers are inert.
      await page.waitForTimeout(1200);
      await shoot(page, `prompt-${scheme}`);
      fake.host.closePrompt(
        prompt.id,
        'answered',
        'Answered in another window: Allow once',
        'allow-once',
      );
      await page.getByRole('alertdialog').waitFor({ state: 'detached', timeout: 10_000 });
    }
    await context.close();
  }
} finally {
  await browser.close();
  await fake?.close();
}
for (const file of shots) process.stdout.write(`${file}\n`);
