// The layering of eslint.config.js bites: an upward import, a system import in a pure layer and a
// file outside every layer each fail lint, while the same imports in the right direction pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const root = new URL('../../../', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });

/** The boundaries rule ids that fire for `code` placed at `file` (a path that need not exist). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return result!.messages
    .filter((m) => m.ruleId?.startsWith('boundaries/'))
    .map((m) => `${m.ruleId}: ${m.message}`);
}

const cases: { file: string; code: string; refused: boolean; why: string }[] = [
  {
    file: 'app/policy/upward-probe.ts',
    code: "import { createBroker } from '../runtime/broker.ts';\nexport const x = createBroker;\n",
    refused: true,
    why: 'policy is the lowest layer: it may not import the runtime',
  },
  {
    file: 'app/runtime/downward-probe.ts',
    code: "import { readFileSync } from 'node:fs';\nimport { parseManifest } from '../policy/manifest.ts';\nexport const x = [readFileSync, parseManifest];\n",
    refused: false,
    why: 'the runtime may use the policy and Node (the positive control)',
  },
  {
    file: 'app/consent/system-probe.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    refused: true,
    why: 'consent is pure: no node:* import',
  },
  {
    file: 'app/sandbox/upward-probe.ts',
    code: "import { ExtensionManager } from '../manager/manager.ts';\nexport const x = ExtensionManager;\n",
    refused: true,
    why: 'the sandbox sits below the manager',
  },
  {
    file: 'app/service/downward-probe.ts',
    code: "import { ExtensionManager } from '../manager/manager.ts';\nexport const x = ExtensionManager;\n",
    refused: false,
    why: 'the service composes the manager',
  },
  {
    file: 'app/manager/upward-probe.ts',
    code: "import { main } from '../cli/main.ts';\nexport const x = main;\n",
    refused: true,
    why: 'nothing below the command line imports it',
  },
  {
    file: 'renderer/src/probe.tsx',
    code: "import { createBroker } from '../../app/runtime/broker.ts';\nexport const x = createBroker;\n",
    refused: true,
    why: 'the renderer knows only the UI contract',
  },
  {
    file: 'preload/probe.ts',
    code: "import { ExtensionManager } from '../app/manager/manager.ts';\nexport const x = ExtensionManager;\n",
    refused: true,
    why: 'the preload knows only the UI contract',
  },
  {
    file: 'app/newfolder/probe.ts',
    code: 'export const x = 1;\n',
    refused: true,
    why: 'a file outside every layer is refused until it is placed',
  },
];

for (const c of cases) {
  test(`${c.refused ? 'refuses' : 'allows'} ${c.file}: ${c.why}`, async () => {
    const errors = await layerErrors(c.file, c.code);
    if (c.refused) assert.ok(errors.length > 0, `expected a layer error for ${c.file}`);
    else assert.deepEqual(errors, []);
  });
}
