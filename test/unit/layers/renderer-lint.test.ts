// The renderer's own lint rules bite: raw HTML (dangerouslySetInnerHTML, innerHTML) and a hook
// called conditionally each fail, while the same component written the right way passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const root = new URL('../../../', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });

/** The rule ids that fire for `code` placed at renderer/src/probe.tsx (a path that need not exist). */
async function ruleIds(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}renderer/src/probe.tsx` });
  return result!.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const cases: { why: string; code: string; rule: string | null }[] = [
  {
    why: 'extension text rendered as text passes (the positive control)',
    code: "import { useState } from 'react';\nexport function Name({ text }: { text: string }) {\n  const [open] = useState(false);\n  return <span title={String(open)}>{text}</span>;\n}\n",
    rule: null,
  },
  {
    why: 'dangerouslySetInnerHTML is refused',
    code: 'export function Name({ text }: { text: string }) {\n  return <span dangerouslySetInnerHTML={{ __html: text }} />;\n}\n',
    rule: 'no-restricted-syntax',
  },
  {
    why: 'assigning innerHTML is refused',
    code: 'export function paint(el: HTMLElement, text: string) {\n  el.innerHTML = text;\n}\n',
    rule: 'no-restricted-syntax',
  },
  {
    why: 'a hook called conditionally is refused (react-hooks is on)',
    code: "import { useState } from 'react';\nexport function Name({ on }: { on: boolean }) {\n  if (on) useState(0);\n  return null;\n}\n",
    rule: 'react-hooks/rules-of-hooks',
  },
];

for (const c of cases) {
  test(c.why, async () => {
    const ids = await ruleIds(c.code);
    if (c.rule === null) assert.deepEqual(ids, []);
    else assert.ok(ids.includes(c.rule), `expected ${c.rule}, got ${JSON.stringify(ids)}`);
  });
}
