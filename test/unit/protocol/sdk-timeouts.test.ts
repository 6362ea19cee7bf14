// A call that makes the host ask the user must not give up before the question does (issue 13):
// each SDK's default call timeout outlasts a question (60 s) plus the host's longest own work
// (net/fetch, 30 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { DEFAULT_TIMEOUT_MS } from '../../../sdk/node/src/index.ts';
import { PROMPT_TIMEOUT_MS } from '../../../app/runtime/prompts.ts';

const NET_FETCH_TIMEOUT_MS = 30_000; // app/runtime/net-fetch.ts's default
const needed = PROMPT_TIMEOUT_MS + NET_FETCH_TIMEOUT_MS;

test('the Node SDK waits longer than a permission question by default', () => {
  assert.ok(DEFAULT_TIMEOUT_MS >= needed, `${DEFAULT_TIMEOUT_MS} ms < ${needed} ms`);
});

test('the Python SDK waits longer than a permission question by default', () => {
  const seconds = execFileSync(
    'python3',
    ['-B', '-c', 'import corral_sdk; print(corral_sdk.DEFAULT_TIMEOUT)'],
    { cwd: new URL('../../../sdk/python', import.meta.url).pathname, encoding: 'utf8' },
  );
  assert.ok(Number(seconds) * 1000 >= needed, `${seconds.trim()} s < ${needed / 1000} s`);
});
