// The whole UI contract surface (every method's input and output, every event, the version) as
// JSON Schema, compared with the committed snapshot: any change to what the UI and the host agree
// on shows up in review. After an intended change: CORRAL_UPDATE_SNAPSHOTS=1 and bump the version
// when old UIs or hosts would break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { CONTRACT_VERSION, events, methods } from '../../../app/contract/index.ts';

const snapshotFile = new URL('./contract-surface.snapshot.json', import.meta.url);

function surface(): unknown {
  const schema = (s: z.ZodType, io: 'input' | 'output') =>
    z.toJSONSchema(s, { io, unrepresentable: 'any' });
  return {
    contractVersion: CONTRACT_VERSION,
    methods: Object.fromEntries(
      Object.entries(methods).map(([name, m]) => [
        name,
        { summary: m.summary, input: schema(m.input, 'input'), output: schema(m.output, 'output') },
      ]),
    ),
    events: Object.fromEntries(
      Object.entries(events).map(([name, s]) => [name, schema(s, 'output')]),
    ),
  };
}

test('the contract surface matches its snapshot', () => {
  const now = JSON.stringify(surface(), null, 2) + '\n';
  if (process.env.CORRAL_UPDATE_SNAPSHOTS === '1') writeFileSync(snapshotFile, now);
  assert.equal(
    now,
    readFileSync(snapshotFile, 'utf8'),
    'run with CORRAL_UPDATE_SNAPSHOTS=1 after an intended change',
  );
});

test('every method is domain.verb and every event on…', () => {
  for (const name of Object.keys(methods)) assert.match(name, /^[a-z]+\.[a-z][A-Za-z]*$/);
  for (const name of Object.keys(events)) assert.match(name, /^on[A-Z][A-Za-z]*$/);
});
