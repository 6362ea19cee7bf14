// nobody-pass: not needed
// The Access log holding 100,000 live events in real Chromium: all of them counted, only the rows
// in view in the page, and the JS heap (after a collection) under the 150 MB budget.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from './fixtures/chromium.ts';
import { startFakeHost, type FakeServe } from './fixtures/fake-host.ts';
import { openRenderer, requireBuiltRenderer } from './fixtures/renderer-page.ts';

const BUDGET_MB = 150;
let browser: Browser;
let serve: FakeServe;

before(async () => {
  requireBuiltRenderer();
  serve = await startFakeHost({ auditEvents: 0 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await serve?.close();
});

test('100,000 events in the Access log stay virtualised and under the heap budget', async () => {
  const view = await openRenderer(browser, serve, { hash: '#/access-log' });
  const { page } = view;
  try {
    await page.getByText('0 events shown · live').waitFor();
    for (let i = 0; i < 10; i++) serve.host.addAuditEvents(10_000, { distinct: true });
    await page.getByText('100,000 events shown').waitFor({ timeout: 60_000 });

    const rendered = await page.getByRole('row').count();
    assert.ok(rendered > 10 && rendered < 120, `${rendered} rows in the page`);
    await page.getByRole('grid').focus();
    await page.keyboard.press('End');
    await page.locator('#audit-row-0').waitFor();

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const usedMb = usedSize / 1024 / 1024;
    process.stdout.write(
      `| JS heap with 100,000 rows | ${usedMb.toFixed(1)} MB | budget ${BUDGET_MB} MB |\n`,
    );
    assert.ok(usedMb < BUDGET_MB, `${usedMb.toFixed(1)} MB of JS heap`);
    assert.deepEqual(view.problems, []);
  } finally {
    await view.close();
  }
});
