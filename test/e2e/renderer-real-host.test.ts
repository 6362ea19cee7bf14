// nobody-pass: not needed
// The built renderer over the real host: corral serve's page and WebSocket in Chromium, the
// token traded for a cookie, a real example extension installed with consent from an uploaded
// package, its command run from the palette in a real sandbox, and the access it made appearing
// live in the Access log; axe finds nothing serious and the console stays clean.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createHostService } from '../../app/service/host.ts';
import type { HostService } from '../../app/service/host-service.ts';
import { startServing, type Serving } from '../../app/service/serve.ts';
import { createServices, type Services } from '../../app/service/services.ts';
import { launchChromium } from './fixtures/chromium.ts';
import { choosePackage } from './fixtures/renderer-page.ts';
import { requireBuiltRenderer, seriousAxeViolations } from './fixtures/renderer-page.ts';

const repo = new URL('../../', import.meta.url).pathname;
let root: string;
let workspace: string;
let services: Services;
let host: HostService;
let serving: Serving;
let browser: Browser;

before(async () => {
  requireBuiltRenderer();
  root = mkdtempSync(join(tmpdir(), 'corral-renderer-real-'));
  workspace = join(root, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'notes.md'), 'one two three four five\n');
  const packed = spawnSync(
    'tar',
    [
      'czf',
      join(root, 'word-count.tgz'),
      '-C',
      join(repo, 'examples/word-count'),
      'corral.json',
      'dist',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(packed.status, 0, packed.stderr);
  const env = {
    HOME: join(root, 'home'),
    XDG_DATA_HOME: join(root, 'data'),
    XDG_STATE_HOME: join(root, 'state'),
    XDG_CONFIG_HOME: join(root, 'config'),
  };
  services = createServices({ env });
  host = await createHostService({ env, shell: 'serve', services, workspace });
  serving = await startServing({
    host,
    rendererDir: join(repo, 'dist/renderer'),
    audit: (e) => services.audit(e),
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await serving?.close();
  await host?.close();
  rmSync(root, { recursive: true, force: true });
});

test('install with consent, run a command, and see its access live: over the real host', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  try {
    await page.goto(serving.url);
    await page.getByRole('heading', { level: 1, name: 'Extensions' }).waitFor();
    assert.equal(new URL(page.url()).search, '', 'the token left the address bar');

    await choosePackage(
      page,
      () => page.getByRole('button', { name: 'Install extension' }).click(),
      join(root, 'word-count.tgz'),
    );
    const sheet = page.getByRole('dialog', { name: 'Install Word Count?' });
    await sheet.waitFor();
    await sheet.getByText('Unsigned', { exact: true }).waitFor();
    assert.equal(
      await page.getByRole('link', { name: /Word Count/ }).count(),
      0,
      'nothing installed before the click',
    );
    await sheet.getByRole('button', { name: 'Install' }).click();
    await sheet.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: /Word Count/ }).waitFor();

    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Search commands' }).fill('count');
    await page.keyboard.press('Enter');
    await page
      .getByRole('textbox', { name: /Arguments/ })
      .fill(JSON.stringify([join(workspace, 'notes.md')]));
    await page.keyboard.press('Enter');
    const result = page.getByRole('region', { name: /^Result/ });
    await result.waitFor({ timeout: 30_000 });
    assert.match((await result.textContent()) ?? '', /"total": 5/);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: 'Access log' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: 'notes.md' })
      .filter({ hasText: 'Allowed' })
      .first()
      .waitFor({ timeout: 15_000 });
    assert.deepEqual(await seriousAxeViolations(page), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
