// The hardening gate: @doyensec/electronegativity over main/, preload/ and renderer/ reports
// nothing. A check that truly does not apply is disabled inline, where it fires, with the reason
// beside it (`eng-disable`). The positive control: a deliberately insecure window, scanned in the
// same run, is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { z } from 'zod';

const root = new URL('../../../', import.meta.url).pathname;
const SCANNED = ['main', 'preload', 'renderer'];

/** The part of electronegativity's SARIF report the gate reads. */
const sarifSchema = z.object({
  runs: z
    .array(
      z.object({
        results: z.array(
          z.object({
            ruleId: z.string(),
            message: z.object({ text: z.string() }).optional(),
            locations: z
              .array(
                z.object({
                  physicalLocation: z.object({
                    artifactLocation: z.object({ uri: z.string() }),
                    region: z.object({ startLine: z.number() }).optional(),
                  }),
                }),
              )
              .optional(),
          }),
        ),
      }),
    )
    .length(1),
});

test('electronegativity reports nothing in main, preload and renderer', () => {
  const scan = mkdtempSync(join(tmpdir(), 'corral-electronegativity-'));
  for (const folder of SCANNED) {
    assert.ok(existsSync(join(root, folder)), `${folder}/ is missing: the gate scans it`);
    cpSync(join(root, folder), join(scan, folder), {
      recursive: true,
      filter: (path) => !path.includes('node_modules') && !path.includes(`${folder}/dist`),
    });
  }
  mkdirSync(join(scan, 'control'));
  writeFileSync(
    join(scan, 'control', 'insecure-window.js'),
    "const { BrowserWindow } = require('electron');\n" +
      'new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n',
  );
  const report = join(scan, 'report.sarif');
  const electron = JSON.parse(
    readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
  );
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/@doyensec/electronegativity/dist/index.js'),
      '--input',
      scan,
      '--output',
      report,
      '--verbose',
      'false',
      '--electron-version',
      electron.version,
    ],
    { encoding: 'utf8', env: { ...process.env, LANG: 'en-US' }, timeout: 120_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const results = sarifSchema.parse(JSON.parse(readFileSync(report, 'utf8'))).runs[0]!.results;
  const where = (r: (typeof results)[number]) => {
    const at = r.locations?.[0]?.physicalLocation;
    return at
      ? `${relative(scan, at.artifactLocation.uri)}:${at.region?.startLine ?? 0}`
      : 'global';
  };
  const control = results.filter((r) => where(r).startsWith('control/'));
  const ours = results.filter((r) => !where(r).startsWith('control/'));
  assert.deepEqual(
    ours.map((r) => `${r.ruleId} at ${where(r)}: ${r.message?.text ?? ''}`),
    [],
    'fix the finding, or disable it inline with the reason if it truly does not apply',
  );
  const controlRules = new Set(control.map((r) => r.ruleId));
  for (const rule of ['AUXCLICK_JS_CHECK', 'CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK']) {
    assert.ok(controlRules.has(rule), `the insecure control window is reported by ${rule}`);
  }
});
