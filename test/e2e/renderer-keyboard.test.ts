// nobody-pass: not needed
// Every view of the built renderer used from the keyboard alone in real Chromium, with a visible
// focus ring on what has focus: the views, the Access log grid, a grant revoked, a quarantine,
// an install with consent, a command from the palette, and a permission prompt answered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from './fixtures/chromium.ts';
import { startFakeHost, type FakeServe } from './fixtures/fake-host.ts';
import {
  choosePackage,
  openRenderer,
  requireBuiltRenderer,
  type RendererPage,
} from './fixtures/renderer-page.ts';

let browser: Browser;
let serve: FakeServe;
let view: RendererPage;
let page: Page;

before(async () => {
  requireBuiltRenderer();
  serve = await startFakeHost({ auditEvents: 2000 });
  browser = await launchChromium();
  view = await openRenderer(browser, serve);
  page = view.page;
});
after(async () => {
  await view?.close();
  await browser?.close();
  await serve?.close();
});

const isFocused = (target: Locator) =>
  target.evaluate((el) => el === (el.ownerDocument.activeElement as unknown));

/** Presses Tab until `target` has focus (at most `max` times), and checks its focus is visible. */
async function tabTo(target: Locator, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) {
      const ring = await target.evaluate((el) => {
        const style = (
          el.ownerDocument.defaultView as unknown as {
            getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string };
          }
        ).getComputedStyle(el);
        return `${style.outlineStyle} ${style.outlineWidth}`;
      });
      assert.notEqual(
        ring.split(' ')[0],
        'none',
        `no visible focus on ${await target.evaluate((e) => e.outerHTML.slice(0, 80))}`,
      );
      assert.notEqual(ring.split(' ')[1], '0px');
      return;
    }
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${target}`);
}

test('the views are reached with Tab and Enter', async () => {
  for (const name of ['Access log', 'Dashboard', 'Settings', 'Extensions']) {
    await tabTo(page.getByRole('link', { name }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name }).waitFor();
  }
});

test('the Access log: arrows move through rows, Enter opens one, Escape closes it; search and pause', async () => {
  await tabTo(page.getByRole('link', { name: 'Access log' }));
  await page.keyboard.press('Enter');
  const grid = page.getByRole('grid');
  await tabTo(grid);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const head = serve.host.headSeq();
  await page.getByRole('complementary', { name: `Event ${head - 2}` }).waitFor();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.getByRole('complementary', { name: /^Event \d+$/ }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('complementary').waitFor({ state: 'detached' });

  await tabTo(page.getByRole('button', { name: 'Pause' }));
  await page.keyboard.press('Enter');
  serve.host.addAuditEvents(4);
  await page.getByText('4 new events').waitFor();
  await page.getByRole('button', { name: 'Resume' }).press('Enter');
  await page.getByText('4 new events').waitFor({ state: 'detached' });

  await tabTo(page.getByRole('searchbox', { name: 'Search' }));
  await page.keyboard.type('.ssh');
  await page.waitForFunction(
    () => {
      const doc = (
        globalThis as unknown as {
          document: { querySelectorAll(s: string): ArrayLike<{ textContent: string }> };
        }
      ).document;
      const rows = Array.from(doc.querySelectorAll('.log-body [role="row"]'));
      return rows.length > 0 && rows.every((r) => r.textContent.includes('.ssh'));
    },
    undefined,
    { timeout: 10_000 },
  );
});

test('Dashboard and Settings: a disclosure opened and a setting saved', async () => {
  await tabTo(page.getByRole('link', { name: 'Dashboard' }));
  await page.keyboard.press('Enter');
  await tabTo(page.getByText(/^Isolation layers/));
  await page.keyboard.press('Enter');
  await page.getByRole('cell', { name: 'Limits the files it may open' }).waitFor();

  await tabTo(page.getByRole('link', { name: 'Settings' }));
  await page.keyboard.press('Enter');
  await tabTo(page.getByRole('checkbox', { name: 'Require signatures' }));
  await page.keyboard.press('Space');
  await tabTo(page.getByRole('button', { name: 'Save settings' }));
  await page.keyboard.press('Enter');
  await page.getByText('Saved.').waitFor();
  assert.equal(serve.host.settings.requireSignatures, true);
});

test('Extensions: a grant revoked and an extension quarantined', async () => {
  await tabTo(page.getByRole('link', { name: 'Extensions', exact: true }));
  await page.keyboard.press('Enter');
  await tabTo(page.getByRole('link', { name: /Notes Sync/ }));
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 2, name: 'Notes Sync' }).waitFor();
  await tabTo(page.getByRole('button', { name: 'Revoke' }).first());
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Restore' }).waitFor();

  await tabTo(page.getByRole('button', { name: 'Quarantine' }));
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Quarantine Notes Sync?' });
  await dialog.waitFor();
  // Focus starts in the reason field.
  await page.keyboard.type('Uploads notes to a tracker');
  await tabTo(dialog.getByRole('button', { name: 'Quarantine' }));
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Lift quarantine' }).waitFor();
  assert.equal(serve.host.find('acme.notes-sync')!.summary.state, 'quarantined');
});

test('Install extension, consent, Install: all from the keyboard', async () => {
  await tabTo(page.getByRole('button', { name: 'Install extension' }));
  await choosePackage(page, () => page.keyboard.press('Enter'), {
    name: 'todo.tgz',
    mimeType: 'application/gzip',
    buffer: Buffer.from('x'),
  });
  const sheet = page.getByRole('dialog', { name: 'Install Todo Lists?' });
  await sheet.waitFor();
  await tabTo(sheet.getByRole('button', { name: 'Install' }));
  await page.keyboard.press('Enter');
  await sheet.waitFor({ state: 'detached' });
  await page.getByRole('link', { name: /Todo Lists/ }).waitFor();
});

test('the command palette: Ctrl+K, search, Enter, arguments, Enter', async () => {
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: 'Search commands' }).waitFor();
  await page.keyboard.type('count');
  await page.keyboard.press('Enter');
  await page.getByRole('textbox', { name: /Arguments/ }).waitFor();
  await page.keyboard.type('["report.md"]');
  await page.keyboard.press('Enter');
  await page.getByText('"words": 1234').waitFor();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Commands' }).waitFor({ state: 'detached' });
});

test('a permission prompt: focus lands on the question, then Tab and Enter answer it', async () => {
  const prompt = serve.host.ask();
  const dialog = page.getByRole('alertdialog', { name: prompt.question });
  await dialog.waitFor();
  assert.equal(await isFocused(dialog), true);
  // An Enter at once answers nothing: focus is on the dialog, and the answers are inert anyway.
  await page.keyboard.press('Enter');
  await page.waitForTimeout(1100);
  assert.equal(serve.host.prompts.length, 1);
  await tabTo(dialog.getByRole('button', { name: 'Deny', exact: true }));
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(serve.host.prompts.length, 0);
  assert.deepEqual(view.problems, []);
});
