// Alert rules, each on its own, their thresholds from the settings schema, and the denial rates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEvent } from '../../../app/audit-event/event.ts';
import { AlertEngine, alertRule, isAlert } from '../../../app/metrics/alert-rules.ts';
import { alertSettingsSchema } from '../../../app/metrics/alert-settings.ts';
import { DenialRates } from '../../../app/metrics/denial-rate.ts';

const T0 = Date.parse('2026-11-25T21:00:00.000Z');
let seq = 0;

function event(over: Partial<AuditEvent> & { atMs?: number } = {}): AuditEvent {
  const { atMs = T0, ...rest } = over;
  return {
    seq: seq++,
    ts: new Date(atMs).toISOString(),
    ext: 'acme.x',
    layer: 'broker',
    kind: 'fs',
    op: 'read',
    target: '/w/a',
    decision: 'allow',
    reason: 'grant fs[0]',
    ...rest,
  };
}

const quiet = { firstSeenAccess: { enabled: false }, sustainedCpu: { enabled: false } };

test('settings: every threshold has a default; unknown keys and nonsense values are refused', () => {
  assert.deepEqual(alertSettingsSchema.parse({}), {
    denialBurst: { enabled: true, denials: 20, windowSeconds: 10 },
    firstSeenAccess: { enabled: true, kinds: ['fs', 'net', 'ipc', 'process', 'permission'] },
    sustainedCpu: { enabled: true, percent: 90, seconds: 30 },
    cooldownSeconds: 60,
  });
  assert.equal(
    alertSettingsSchema.parse({ denialBurst: { denials: 5 } }).denialBurst.windowSeconds,
    10,
  );
  for (const bad of [
    { denialBurst: { denials: 0 } },
    { denialBurst: { threshold: 5 } },
    { sustainedCpu: { percent: -1 } },
    { firstSeenAccess: { kinds: ['disk'] } },
    { cooldown: 5 },
  ])
    assert.equal(alertSettingsSchema.safeParse(bad).success, false, JSON.stringify(bad));
});

test('denial burst: N denials within W seconds raise one alert, then the cooldown holds', () => {
  const engine = new AlertEngine({ ...quiet, denialBurst: { denials: 5, windowSeconds: 10 } });
  const deny = (s: number) => engine.observeEvent(event({ decision: 'deny', atMs: T0 + s * 1000 }));
  for (const s of [0, 1, 2, 3]) assert.deepEqual(deny(s), []);
  engine.observeEvent(event({ atMs: T0 + 3500 })); // allowed events do not count
  const [alert, ...more] = deny(4);
  assert.deepEqual(more, []);
  assert.equal(alert!.kind, 'limit');
  assert.equal(alert!.op, 'alert');
  assert.equal(alert!.layer, 'host');
  assert.equal(alert!.decision, undefined, 'an alert refuses nothing');
  assert.equal(alert!.outcome, 'alert');
  assert.equal(alert!.ext, 'acme.x');
  assert.match(
    alert!.reason,
    /^denial-burst: 5 denials within 10 s \(threshold 5 in 10 s\), the last: fs\/read \/w\/a$/,
  );
  assert.match(alert!.target, /^seq \d+\.\.\d+$/);
  assert.equal(alertRule(alert!), 'denial-burst');
  // Within the 60 s cooldown: no second alert for the same extension.
  for (let s = 5; s < 15; s++) assert.deepEqual(deny(s), []);
  // Another extension has its own count and cooldown.
  for (let i = 0; i < 4; i++)
    engine.observeEvent(event({ ext: 'acme.y', decision: 'deny', atMs: T0 }));
  assert.equal(engine.observeEvent(event({ ext: 'acme.y', decision: 'deny', atMs: T0 })).length, 1);
  // After the cooldown, a new burst alerts again.
  for (let s = 70; s < 74; s++) deny(s);
  assert.equal(deny(74).length, 1);
});

test('denial burst: the same number of denials spread wider than the window is quiet', () => {
  const engine = new AlertEngine({ ...quiet, denialBurst: { denials: 3, windowSeconds: 5 } });
  for (let s = 0; s < 30; s += 3)
    assert.deepEqual(engine.observeEvent(event({ decision: 'deny', atMs: T0 + s * 1000 })), []);
});

test('first-seen access: a new kind and op from an extension alerts once; known ones and host events do not', () => {
  const engine = new AlertEngine(
    { denialBurst: { enabled: false }, sustainedCpu: { enabled: false } },
    [{ ext: 'acme.x', kind: 'fs', op: 'read' }],
  );
  assert.deepEqual(engine.observeEvent(event()), []);
  const [alert] = engine.observeEvent(
    event({ kind: 'net', op: 'fetch', target: 'https://evil.example/', decision: 'deny' }),
  );
  assert.equal(alert!.target, 'net/fetch');
  assert.match(
    alert!.reason,
    /^first-seen-access: acme\.x did net\/fetch for the first time \(seq \d+, deny: https:\/\/evil\.example\/\)$/,
  );
  assert.deepEqual(engine.observeEvent(event({ kind: 'net', op: 'fetch' })), []);
  // Same kind and op from another extension is new for that extension.
  assert.equal(engine.observeEvent(event({ ext: 'acme.y', kind: 'net', op: 'fetch' })).length, 1);
  // Lifecycle and limit events are the host's, not accesses.
  assert.deepEqual(
    engine.observeEvent(event({ layer: 'host', kind: 'lifecycle', op: 'start' })),
    [],
  );
  // Alerts never feed the rules.
  const a = event({ layer: 'host', kind: 'limit', op: 'alert', reason: 'denial-burst: x' });
  assert.equal(isAlert(a), true);
  assert.deepEqual(engine.observeEvent(a), []);
});

test('sustained CPU: above the threshold for the whole period alerts; a dip starts over', () => {
  const engine = new AlertEngine({
    denialBurst: { enabled: false },
    firstSeenAccess: { enabled: false },
    sustainedCpu: { percent: 80, seconds: 10 },
  });
  const at = (s: number) => T0 + s * 1000;
  for (let s = 0; s < 8; s++) assert.deepEqual(engine.observeCpu('acme.x', 95, at(s)), []);
  assert.deepEqual(engine.observeCpu('acme.x', 40, at(8)), [], 'a dip');
  for (let s = 9; s < 19; s++) assert.deepEqual(engine.observeCpu('acme.x', 95, at(s)), []);
  const [alert] = engine.observeCpu('acme.x', 97, at(19));
  assert.equal(alert!.target, 'cpu');
  assert.match(alert!.reason, /^sustained-cpu: 97% CPU, above 80% for 10 s \(threshold 10 s\)$/);
  assert.deepEqual(engine.observeCpu('acme.x', 99, at(20)), [], 'cooldown');
  assert.deepEqual(
    new AlertEngine({ sustainedCpu: { enabled: false } }).observeCpu('a.b', 500, T0),
    [],
  );
});

test('denial rates: per extension, over a sliding window, alerts not counted', () => {
  const rates = new DenialRates(10_000, 1000);
  for (let s = 0; s < 20; s++)
    rates.observe(event({ decision: s % 4 === 0 ? 'deny' : 'allow', atMs: T0 + s * 1000 }));
  rates.observe(event({ ext: 'acme.y', decision: 'deny', atMs: T0 + 19_000 }));
  rates.observe(event({ kind: 'limit', op: 'alert', atMs: T0 + 19_000 }));
  const r = rates.rate('acme.x', T0 + 20_000);
  // The window (10 s back) holds seconds 10..19: ten events, denials at 12 and 16.
  assert.deepEqual([r.events, r.denials, r.denialsPerMinute, r.denialShare], [10, 2, 12, 0.2]);
  assert.deepEqual(
    rates.all(T0 + 20_000).map((x) => [x.ext, x.denials]),
    [
      ['acme.x', 2],
      ['acme.y', 1],
    ],
  );
  assert.deepEqual(rates.all(T0 + 60_000), [], 'all gone once the window has passed');
});
