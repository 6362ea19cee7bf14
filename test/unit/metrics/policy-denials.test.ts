// Only policy refusals are denials (issue 13): crashes, timeouts, limits hit, failed starts and
// failed calls carry their own outcome, so denial rates and the denial-burst alert count only
// what the policy refused. The events come from the producers themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEvent, AuditEventInput } from '../../../app/audit-event/event.ts';
import { isPolicyDenial } from '../../../app/audit-event/event.ts';
import { DenialRates } from '../../../app/metrics/denial-rate.ts';
import { AlertEngine } from '../../../app/metrics/alert-rules.ts';
import { statusToAudit } from '../../../app/sandbox/status-audit.ts';
import { grantFolderEvent } from '../../../app/sandbox/grant-folders.ts';

const ctx = { ext: 'acme.x', target: '/ext' };
let seq = 0;
const at = (e: AuditEventInput | null): AuditEvent => ({
  v: 2,
  seq: seq++,
  ts: new Date(1_800_000_000_000 + seq).toISOString(),
  ...e!,
});

/** Lifecycle and limit events as the helper's status lines and set-up produce them. */
const notDenials = (): AuditEvent[] => [
  at(statusToAudit({ type: 'limit', limit: 'timeout', detail: '30000' }, ctx)),
  at(statusToAudit({ type: 'limit', limit: 'cpu', detail: '' }, ctx)),
  at(statusToAudit({ type: 'lost', count: 3 }, ctx)),
  at(statusToAudit({ type: 'error', reason: 'rw /x: No such file or directory' }, ctx)),
  at(statusToAudit({ type: 'layers', layers: ['mode=full'] }, ctx)),
  at(grantFolderEvent({ grant: 'fs[1]', path: '/d/x', what: 'unbound' }, 'acme.x')),
];

test('a timeout, a limit, lost events, a failed set-up: each has an outcome, none is a denial', () => {
  const events = notDenials();
  assert.deepEqual(
    events.map((e) => [e.op, e.decision, e.outcome]),
    [
      ['timeout', undefined, 'timeout'],
      ['cpu', undefined, 'limit'],
      ['audit', undefined, 'limit'],
      ['start', undefined, 'failed'],
      ['start', undefined, 'ok'],
      ['grant', undefined, 'failed'],
    ],
  );
  assert.deepEqual(events.filter(isPolicyDenial), []);
  // The control: what the sandbox refused is a denial.
  const refused = at(statusToAudit({ type: 'deny', syscall: 'ptrace' }, ctx));
  assert.equal(refused.decision, 'deny');
  assert.equal(isPolicyDenial(refused), true);
});

test('denial rates and the denial-burst alert count policy refusals only', () => {
  const rates = new DenialRates(60_000, 1000);
  const engine = new AlertEngine({ denialBurst: { enabled: true, denials: 3, windowSeconds: 10 } });
  const alerts: AuditEventInput[] = [];
  for (let i = 0; i < 5; i++)
    for (const e of notDenials()) {
      rates.observe(e);
      alerts.push(...engine.observeEvent(e));
    }
  const now = 1_800_000_000_000 + seq + 1;
  assert.equal(rates.rate('acme.x', now).denials, 0);
  assert.deepEqual(
    alerts.filter((a) => a.reason.startsWith('denial-burst')),
    [],
  );
  // The control: three policy refusals make a burst and count.
  for (let i = 0; i < 3; i++) {
    const e = at(statusToAudit({ type: 'deny', syscall: 'ptrace' }, ctx));
    rates.observe(e);
    alerts.push(...engine.observeEvent(e));
  }
  assert.equal(rates.rate('acme.x', now + 3).denials, 3);
  assert.equal(alerts.filter((a) => a.reason.startsWith('denial-burst')).length, 1);
});

test('events of version 1 stay readable; their lifecycle and limit "deny" is not a denial', () => {
  const v1 = (kind: AuditEvent['kind'], op: string): AuditEvent => ({
    seq: seq++,
    ts: new Date().toISOString(),
    ext: 'acme.x',
    layer: 'host',
    kind,
    op,
    target: '/ext',
    decision: 'deny',
    reason: 'written by Corral before event version 2',
  });
  assert.equal(isPolicyDenial(v1('lifecycle', 'crash')), false);
  assert.equal(isPolicyDenial(v1('limit', 'timeout')), false);
  assert.equal(isPolicyDenial(v1('fs', 'read')), true);
});
