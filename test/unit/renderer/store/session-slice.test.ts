// The session: hello first, a contract mismatch stops the window with one clear message, and the
// dashboard counts live denials and metrics.
import { expect, test } from 'vitest';
import { CONTRACT_VERSION } from '../../../../app/contract/index.ts';
import { callsOf, settle, startedStore } from '../test-store.ts';

test('the first call is session.hello with this contract version', async () => {
  const { host, store } = await startedStore();
  expect(host.calls[0]).toEqual({
    method: 'session.hello',
    input: { contractVersion: CONTRACT_VERSION },
  });
  expect(store.getState().hello).toEqual({ hostVersion: '0.1.0', shell: 'serve' });
  expect(store.getState().startError).toBeNull();
});

test('a host on another contract version gets one clear message and nothing else is read', async () => {
  const { host, store } = await startedStore({ contractVersion: CONTRACT_VERSION + 1 });
  expect(store.getState().startError).toBe(
    `This window speaks version ${CONTRACT_VERSION} of Corral's UI contract and the host speaks version ${CONTRACT_VERSION + 1}: reload the page, or restart Corral so that both come from the same install.`,
  );
  expect(host.calls.map((c) => c.method)).toEqual(['session.hello']);
});

test('a host that refuses the version says so the same way', async () => {
  const { FakeCorralHost } = await import('../../../support/fake-corral-host.ts');
  const host = new FakeCorralHost();
  host.failNext('session.hello', { code: 'version-mismatch', message: 'contract 1 is not 2' });
  const { store } = await startedStore({ host });
  expect(store.getState().startError).toMatch(
    /^This window speaks version 1 of Corral's UI contract/,
  );
  expect(callsOf(host, 'extensions.list')).toHaveLength(0);
});

test('live denials are counted into the current minute of the chart', async () => {
  const { host, store } = await startedStore({ auditEvents: 0 });
  const fresh = host.addAuditEvents(60);
  await settle();
  const expected = new Map<string, number>();
  for (const e of fresh.filter((e) => e.decision === 'deny'))
    expected.set(e.ext, (expected.get(e.ext) ?? 0) + 1);
  const counted = new Map(
    store
      .getState()
      .dashboard!.denials.map((s) => [s.ext, s.points.reduce((a, p) => a + p.denials, 0)]),
  );
  expect(counted).toEqual(expected);
});

test('metrics replace the running set and keep a short history', async () => {
  const { host, store } = await startedStore();
  const use = { cpuPercent: 1, rssBytes: 1000, processes: 1, openFds: 3 };
  for (let i = 0; i < 70; i++)
    host.emit('onMetrics', {
      ts: new Date().toISOString(),
      resources: [{ id: 'acme.notes-sync', use: { ...use, cpuPercent: i } }],
    });
  const s = store.getState();
  expect(Object.keys(s.metrics)).toEqual(['acme.notes-sync']);
  expect(s.metricsHistory['acme.notes-sync']).toHaveLength(60);
  expect(s.metricsHistory['acme.notes-sync']!.at(-1)!.cpuPercent).toBe(69);
});
