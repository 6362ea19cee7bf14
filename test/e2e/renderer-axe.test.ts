// nobody-pass: not needed
// axe-core in real Chromium on every view of the built renderer, light and dark, and on the
// overlays (a permission prompt, the consent sheet, the command palette, a confirmation): no
// serious or critical violation, and the page's strict CSP is never violated.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { CONTENT_SECURITY_POLICY } from '../../app/service/serve-guard.ts';
import { launchChromium } from './fixtures/chromium.ts';
import { startFakeHost, type FakeServe } from './fixtures/fake-host.ts';
import {
  choosePackage,
  openRenderer,
  requireBuiltRenderer,
  seriousAxeViolations,
  type RendererPage,
} from './fixtures/renderer-page.ts';

let browser: Browser;
let serve: FakeServe;

before(async () => {
  requireBuiltRenderer();
  serve = await startFakeHost({ auditEvents: 3000, metrics: true });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await serve?.close();
});

/** Each view or overlay: how to get there from a fresh page. */
const screens: { name: string; show: (page: Page) => Promise<void> }[] = [
  {
    name: 'Extensions, with a details view open',
    show: async (page) => {
      await page.goto(`${serve.url}#/extensions/acme.notes-sync`);
      await page.getByRole('heading', { level: 2, name: 'Notes Sync' }).waitFor();
    },
  },
  {
    name: 'Extensions, an extension with hostile text',
    show: async (page) => {
      await page.goto(`${serve.url}#/extensions/evil.invoice`);
      await page.getByRole('heading', { level: 2 }).waitFor();
    },
  },
  {
    name: 'Access log, with an event open',
    show: async (page) => {
      await page.getByRole('link', { name: 'Access log' }).click();
      await page.getByRole('row').nth(3).click();
      await page.getByRole('complementary').waitFor();
    },
  },
  {
    name: 'Dashboard, with the isolation layers open',
    show: async (page) => {
      await page.getByRole('link', { name: 'Dashboard' }).click();
      await page.getByText(/Isolation layers/).click();
      await page.getByRole('img', { name: /Denials per minute/ }).waitFor();
    },
  },
  {
    name: 'Settings',
    show: async (page) => {
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('checkbox', { name: 'Require signatures' }).waitFor();
    },
  },
  {
    name: 'a permission prompt',
    show: async (page) => {
      serve.host.ask({ waiting: 2 });
      await page.getByRole('alertdialog').waitFor();
    },
  },
  {
    name: 'the consent sheet',
    show: async (page) => {
      await choosePackage(
        page,
        () => page.getByRole('button', { name: 'Install extension' }).click(),
        { name: 'todo.tgz', mimeType: 'application/gzip', buffer: Buffer.from('x') },
      );
      await page.getByRole('dialog').waitFor();
    },
  },
  {
    name: 'the command palette',
    show: async (page) => {
      await page.keyboard.press('Control+k');
      await page.getByRole('combobox', { name: 'Search commands' }).waitFor();
    },
  },
  {
    name: 'the update review',
    show: async (page) => {
      await page.goto(`${serve.url}#/extensions/devtools.git-helper`);
      await page.getByRole('button', { name: 'Review update' }).click();
      await page.getByRole('button', { name: 'Approve' }).waitFor();
    },
  },
];

for (const colorScheme of ['light', 'dark'] as const) {
  for (const { name, show } of screens) {
    test(`axe finds nothing serious on ${name} (${colorScheme})`, async () => {
      let view: RendererPage | undefined;
      try {
        view = await openRenderer(browser, serve, { colorScheme });
        await show(view.page);
        const violations = await seriousAxeViolations(view.page);
        assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
        assert.deepEqual(view.problems, []);
      } finally {
        for (const p of serve.host.prompts.slice())
          serve.host.closePrompt(p.id, 'cancelled', 'Cancelled.');
        await view?.close();
      }
    });
  }
}

test('axe reports a violation planted in the page (the positive control)', async () => {
  const view = await openRenderer(browser, serve);
  try {
    await view.page.evaluate(() => {
      const doc = (
        globalThis as unknown as {
          document: {
            body: { append(n: unknown): void };
            createElement(t: string): { setAttribute(k: string, v: string): void };
          };
        }
      ).document;
      const button = doc.createElement('button');
      button.setAttribute('aria-label', '');
      doc.body.append(button);
    });
    const violations = await seriousAxeViolations(view.page);
    assert.ok(
      violations.some((v) => v.id === 'button-name'),
      JSON.stringify(violations),
    );
  } finally {
    await view.close();
  }
});

test('the page repeats the served CSP in a meta tag (all but frame-ancestors, which needs a header)', () => {
  const html = readFileSync(new URL('../../dist/renderer/index.html', import.meta.url), 'utf8');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  const served = CONTENT_SECURITY_POLICY.split('; ').filter(
    (d) => !d.startsWith('frame-ancestors'),
  );
  assert.deepEqual(meta?.split('; '), served);
});

test('the page runs under its CSP: an inline script is refused and reported', async () => {
  const view = await openRenderer(browser, serve);
  try {
    const ran = await view.page.evaluate(() => {
      const doc = (
        globalThis as unknown as {
          document: {
            head: { append(n: unknown): void };
            createElement(t: string): { textContent: string };
          };
        }
      ).document;
      const g = globalThis as unknown as { inlineRan?: boolean };
      const script = doc.createElement('script');
      script.textContent = 'globalThis.inlineRan = true';
      doc.head.append(script);
      return g.inlineRan === true;
    });
    assert.equal(ran, false);
    await view.page.waitForTimeout(100);
    assert.ok(
      view.problems.some((p) => /Content Security Policy/.test(p)),
      JSON.stringify(view.problems),
    );
  } finally {
    await view.close();
  }
});
