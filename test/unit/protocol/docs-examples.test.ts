// Every example in docs/protocol.md is a message the schemas accept, sent in the direction the
// method table says, so the documentation cannot drift from the protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  checkParams,
  checkResult,
  classifyMessage,
  ErrorCode,
  isMethodName,
  methods,
  type CallMethod,
} from '../../../app/protocol/index.ts';

const docs = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
const blocks = [...docs.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!.trim().split('\n'));

test('docs/protocol.md has an example for every method', () => {
  const shown = new Set(blocks.flat().map((line) => /"method":"([^"]+)"/.exec(line)?.[1]));
  for (const method of Object.keys(methods)) assert.ok(shown.has(method), method);
});

test('every example in docs/protocol.md is valid, in its direction', () => {
  const codes = new Set<number>(Object.values(ErrorCode));
  let checked = 0;
  for (const lines of blocks) {
    const calls = new Map<unknown, CallMethod>();
    for (const line of lines) {
      const where = `docs/protocol.md: ${line.slice(0, 80)}`;
      const match = /^(→|←) (.*)$/.exec(line);
      assert.ok(match, `${where}: starts with → or ←`);
      const sender = match[1] === '→' ? 'extension-to-host' : 'host-to-extension';
      const message = classifyMessage(JSON.parse(match[2]!));
      assert.ok(message.ok, `${where}: ${message.ok ? '' : message.error.message}`);
      if (message.kind === 'response') {
        const { id } = message.message;
        if ('error' in message.message) assert.ok(codes.has(message.message.error.code), where);
        else {
          const method = calls.get(id);
          assert.ok(method, `${where}: answers a call shown above it`);
          const result = checkResult(method, message.message.result);
          assert.ok(result.ok, `${where}: ${result.ok ? '' : result.error.message}`);
        }
      } else {
        const { method } = message.message;
        assert.ok(isMethodName(method), where);
        assert.equal(methods[method].direction, sender, `${where}: direction`);
        assert.equal(methods[method].kind, message.kind, `${where}: kind`);
        const params = checkParams(method, message.message.params);
        assert.ok(params.ok, `${where}: ${params.ok ? '' : params.error.message}`);
        if (message.kind === 'request') calls.set(message.message.id, method as CallMethod);
      }
      checked++;
    }
  }
  assert.ok(checked >= 30, `only ${checked} example lines`);
});
