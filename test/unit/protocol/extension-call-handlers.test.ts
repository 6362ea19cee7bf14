// The broker's handler table is typed from the protocol's schemas: these checks run at typecheck
// (npm run typecheck), where each `@ts-expect-error` fails the build if its line ever compiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isExtensionCall,
  methods,
  type ExtensionCall,
  type ExtensionCallHandlers,
} from '../../../app/protocol/methods.ts';

type Handler<M extends ExtensionCall> = ExtensionCallHandlers[M];

// Positive control: a handler that fits its schema compiles.
const fits: Handler<'fs/read'> = async (p) => ({ data: p.path });
// @ts-expect-error fs/read answers {data: string}, not {content}
const wrongShape: Handler<'fs/read'> = async (p) => ({ content: p.path });
// @ts-expect-error fs/stat's size is a number
const wrongField: Handler<'fs/stat'> = async () => ({ type: 'file', size: '1', mtimeMs: 0 });
// @ts-expect-error fs/list's params have no `encoding`
const wrongParams: Handler<'fs/list'> = async (p) => ({ entries: [], x: p.encoding });

// @ts-expect-error a table without net/fetch (or any other call) is not a handler table
const missing: Omit<ExtensionCallHandlers, 'net/fetch'> extends ExtensionCallHandlers
  ? true
  : never = true;

test("the calls an extension makes are exactly the table's extension-to-host requests", () => {
  const calls = Object.entries(methods)
    .filter(([, m]) => m.direction === 'extension-to-host' && m.kind === 'request')
    .map(([name]) => name);
  assert.ok(calls.includes('fs/read'));
  for (const name of Object.keys(methods))
    assert.equal(isExtensionCall(name), calls.includes(name));
  assert.equal(isExtensionCall('log'), false, 'a notification is not a call');
  assert.equal(isExtensionCall('initialize'), false, 'the host makes that call');
  assert.equal(isExtensionCall('toString'), false);
  void [fits, wrongShape, wrongField, wrongParams, missing];
});
