// A debug session's audit events never mix with production's: their own store or file, and every
// event's extension named debug:ID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DebugAuditError,
  debugAuditStore,
  markDebug,
  openDebugAudit,
} from '../../../../app/service/dev/debug-audit.ts';
import { defaultAuditStore } from '../../../../app/platform/corral-dirs.ts';

const root = mkdtempSync(join(tmpdir(), 'corral-debug-audit-'));
const env = { HOME: root, XDG_STATE_HOME: join(root, 'state') };
const event = {
  ext: 'acme.notes',
  layer: 'broker' as const,
  kind: 'fs' as const,
  op: 'read',
  target: '/x',
  decision: 'allow' as const,
  reason: 'grant fs[0]',
};

test('every event is marked debug:ID, once', () => {
  assert.equal(markDebug(event).ext, 'debug:acme.notes');
  assert.equal(markDebug(markDebug(event)).ext, 'debug:acme.notes');
});

test('the debug store sits beside the production one, never in it', () => {
  assert.notEqual(debugAuditStore(env), defaultAuditStore(env));
  assert.match(debugAuditStore(env), /dev-audit\.db$/);
});

test('--audit FILE gets marked JSON lines; the production store is refused with the fix', () => {
  const file = join(root, 'dev.jsonl');
  const sink = openDebugAudit(env, root, 'dev.jsonl');
  sink.record(event);
  sink.close();
  assert.equal(JSON.parse(readFileSync(file, 'utf8').trim()).ext, 'debug:acme.notes');
  assert.throws(
    () => openDebugAudit(env, root, defaultAuditStore(env)),
    (e: unknown) =>
      e instanceof DebugAuditError &&
      /is the production audit log; fix: give another file/.test(e.message),
  );
});
