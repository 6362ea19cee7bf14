// The monitor end to end over a real store and a real process: alerts become audit events the UI
// (and `corral log`) can see, and metrics report denial rates and resource use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { AuditEventInput } from '../../../app/audit-event/event.ts';
import { startMonitor } from '../../../app/metrics/monitor.ts';
import { ev, freshStore } from '../audit/support.ts';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function until(check: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !check();) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(10);
  }
}

test('a burst of denials and a first-seen access become alert events in the store', async () => {
  const s = freshStore();
  try {
    s.store.record(ev({ kind: 'fs', op: 'read' }));
    s.store.flush();
    const raised: AuditEventInput[] = [];
    const monitor = startMonitor(s.store, {
      alerts: { denialBurst: { denials: 3, windowSeconds: 60 }, sustainedCpu: { enabled: false } },
      onAlert: (a) => raised.push(a),
    });
    try {
      s.store.record(ev({ kind: 'fs', op: 'read' })); // known before the monitor started
      for (let i = 0; i < 3; i++)
        s.store.record(ev({ kind: 'net', op: 'fetch', decision: 'deny' }));
      s.store.flush();
      await until(() => s.store.count({ kind: 'limit' }) === 2);
      const alerts = s.store.query({ kind: 'limit', order: 'asc', limit: 10 });
      assert.deepEqual(
        alerts.map((a) => [a.op, a.reason.split(':')[0]]),
        [
          ['alert', 'first-seen-access'],
          ['alert', 'denial-burst'],
        ],
      );
      assert.deepEqual(
        raised.map((a) => a.reason),
        alerts.map((a) => a.reason),
      );
      const [m] = monitor.metrics();
      assert.equal(m!.ext, 'acme.word-count');
      assert.equal(m!.denials.denials, 3);
      assert.equal(m!.denials.events, 4, 'alerts are not counted as events');
      assert.equal(s.store.verify().ok, true);
    } finally {
      monitor.close();
    }
  } finally {
    s.cleanup();
  }
});

test('a watched process tree is sampled; sustained CPU raises an alert; an exited one is dropped', async () => {
  const s = freshStore();
  const busy = spawn('/bin/sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
  try {
    const monitor = startMonitor(s.store, {
      alerts: { sustainedCpu: { percent: 10, seconds: 0.3 }, firstSeenAccess: { enabled: false } },
      sampleIntervalMs: 100,
    });
    try {
      monitor.watchProcess('acme.spinner', busy.pid!);
      await until(() => s.store.count({ ext: 'acme.spinner', kind: 'limit' }) === 1);
      const [alert] = s.store.query({ ext: 'acme.spinner', limit: 1 });
      assert.match(alert!.reason, /^sustained-cpu: \d+% CPU, above 10% for \d+ s/);
      const m = monitor.metrics().find((x) => x.ext === 'acme.spinner')!;
      assert.ok(m.resources && m.resources.rssBytes > 0 && m.resources.processes === 1);
      assert.ok(m.resources.cpuPercent > 10, `cpu ${m.resources.cpuPercent}`);
      busy.kill('SIGKILL');
      await until(() => !monitor.metrics().some((x) => x.ext === 'acme.spinner' && x.resources));
    } finally {
      monitor.close();
    }
  } finally {
    busy.kill('SIGKILL');
    s.cleanup();
  }
});
