// Extensions in the store: actions replace the summary with the host's answer, a removal from any
// window removes it here, live log lines are appended and capped, and errors come back as the
// host's sentence.
import { expect, test } from 'vitest';
import { callsOf, settle, startedStore } from '../test-store.ts';

test('the list is read at start, sorted by name', async () => {
  const { store } = await startedStore();
  expect(store.getState().extensions.map((e) => e.name)).toEqual([
    'Clipboard Sync',
    'Git Helper',
    'Invoice\u202Egnp.exe',
    'Notes Sync',
    'Photo Resizer',
    'Word Count',
  ]);
});

test('an action answers with the new summary, and an open details view is read again', async () => {
  const { store, host } = await startedStore();
  await store.getState().loadDetails('acme.notes-sync');
  expect(await store.getState().disableExtension('acme.notes-sync')).toBeNull();
  const summary = store.getState().extensions.find((e) => e.id === 'acme.notes-sync')!;
  expect(summary).toMatchObject({ enabled: false, state: 'disabled' });
  expect(store.getState().details['acme.notes-sync']!.summary.state).toBe('disabled');
  expect(callsOf(host, 'extensions.get').length).toBeGreaterThanOrEqual(2);
});

test('a refusal comes back as the host sentence and changes nothing', async () => {
  const { store } = await startedStore();
  const error = await store.getState().enableExtension('shady.clip-sync');
  expect(error).toBe('shady.clip-sync is quarantined: lift the quarantine to enable it.');
  expect(store.getState().extensions.find((e) => e.id === 'shady.clip-sync')!.state).toBe(
    'quarantined',
  );
});

test('revoking a grant stores the details the host answers with', async () => {
  const { store } = await startedStore();
  await store.getState().loadDetails('acme.notes-sync');
  expect(
    await store.getState().revokeGrant('acme.notes-sync', 'write ${documents}/Notes'),
  ).toBeNull();
  const grant = store
    .getState()
    .details['acme.notes-sync']!.grants.find((g) => g.rule === 'write ${documents}/Notes')!;
  expect(grant.state).toBe('revoked');
});

test('an extension removed in another window disappears here', async () => {
  const { store, host } = await startedStore();
  await store.getState().loadDetails('pixel.resizer');
  host.emit('onExtensionState', { id: 'pixel.resizer', removed: true });
  expect(store.getState().extensions.some((e) => e.id === 'pixel.resizer')).toBe(false);
  expect(store.getState().details['pixel.resizer']).toBeUndefined();
});

test('live log lines are appended after the recent ones and capped', async () => {
  const { store, host } = await startedStore();
  await store.getState().loadDetails('acme.notes-sync');
  const recent = store.getState().extensionLog['acme.notes-sync']!.length;
  const line = (i: number) => ({
    ts: new Date().toISOString(),
    stream: 'stdout' as const,
    text: `line ${i}`,
  });
  for (let batch = 0; batch < 3; batch++)
    host.emit('onExtensionLog', {
      id: 'acme.notes-sync',
      lines: Array.from({ length: 200 }, (_, i) => line(batch * 200 + i)),
    });
  const log = store.getState().extensionLog['acme.notes-sync']!;
  expect(recent).toBeGreaterThan(0);
  expect(log).toHaveLength(500);
  expect(log.at(-1)!.text).toBe('line 599');
});

test('live audit events are kept per extension for its details', async () => {
  const { store, host } = await startedStore();
  const fresh = host.addAuditEvents(50);
  await settle();
  const notes = fresh.filter((e) => e.ext === 'acme.notes-sync').map((e) => e.seq);
  expect(store.getState().extensionEvents['acme.notes-sync']!.map((e) => e.seq)).toEqual(notes);
});
