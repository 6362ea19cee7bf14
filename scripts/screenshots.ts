// Screenshots of every view of the renderer, light and dark, into docs/images/.
//   node --import tsx scripts/screenshots.ts              the fake host (test/e2e/fixtures): ui-*.png
//   node --import tsx scripts/screenshots.ts --url URL    a running corral serve (its printed URL)
//   node --import tsx scripts/screenshots.ts --e2e        the end-to-end run against corral serve
//                                                         with the real examples: app-*.png
// Against the fake host it also shows a permission prompt, the consent sheet and the palette.
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
    ['--import', 'tsx', '--test', new URL('../test/e2e/app.test.ts', import.meta.url).pathname],
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
