// Settings: preferences saved together and checked before they leave, trusted keys added and
// removed (with the host's sentence when it refuses), and "Deny always" answers reset one by one.
import { screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { renderApp } from './render-app.tsx';
import { callsOf } from './test-store.ts';

async function openSettings() {
  const app = renderApp({ route: '#/settings' });
  await screen.findByRole('checkbox', { name: 'Require signatures' });
  return app;
}

test('preferences are saved together and the host answer shown', async () => {
  const { host, user } = await openSettings();
  await user.click(screen.getByRole('checkbox', { name: 'Require signatures' }));
  const timeout = screen.getByRole('spinbutton', { name: 'Prompt timeout (seconds)' });
  await user.clear(timeout);
  await user.type(timeout, '30');
  await user.click(screen.getByRole('button', { name: 'Save settings' }));
  expect(await screen.findByText('Saved.')).toBeTruthy();
  expect(callsOf(host, 'settings.set').map((c) => c.input)).toEqual([
    {
      requireSignatures: true,
      promptTimeoutSeconds: 30,
      auditRetentionDays: 90,
      keepRunningInBackground: true,
    },
  ]);
  expect(host.settings.promptTimeoutSeconds).toBe(30);
});

test('a value out of range says the range and cannot be saved', async () => {
  const { host, user } = await openSettings();
  const retention = screen.getByRole('spinbutton', { name: 'Keep audit events for (days)' });
  await user.clear(retention);
  await user.type(retention, '5000');
  expect(retention.getAttribute('aria-invalid')).toBe('true');
  expect(screen.getByText('A whole number of days from 0 to 3650.')).toBeTruthy();
  expect(
    (screen.getByRole('button', { name: 'Save settings' }) as HTMLButtonElement).disabled,
  ).toBe(true);
  expect(callsOf(host, 'settings.set')).toHaveLength(0);
});

test('a trusted key can be added and removed; a bad one gets the host sentence', async () => {
  const { host, user } = await openSettings();
  const keys = screen.getByRole('region', { name: 'Trusted publisher keys' });
  const form = within(keys).getByRole('form', { name: 'Trust a publisher key' });
  await user.type(within(form).getByRole('textbox', { name: 'Publisher' }), 'pixel');
  await user.type(within(form).getByRole('textbox', { name: 'Public key (PEM)' }), 'not a key');
  await user.click(within(form).getByRole('button', { name: 'Trust key' }));
  expect((await within(form).findByRole('alert')).textContent).toMatch(
    /^That is not a PEM public key/,
  );

  const pem = within(form).getByRole('textbox', { name: 'Public key (PEM)' });
  await user.clear(pem);
  await user.type(pem, '-----BEGIN PUBLIC KEY-----MCowBQYDK2VwAyEA-----END PUBLIC KEY-----');
  await user.click(within(form).getByRole('button', { name: 'Trust key' }));
  await expect.poll(() => within(keys).getAllByRole('button', { name: 'Remove' }).length).toBe(3);
  expect(callsOf(host, 'trust.add').at(-1)!.input).toMatchObject({ publisher: 'pixel' });

  const acme = within(keys).getByText('ed25519:7f3a9c21').closest('li')!;
  await user.click(within(acme).getByRole('button', { name: 'Remove' }));
  await expect.poll(() => within(keys).getAllByRole('button', { name: 'Remove' }).length).toBe(2);
  expect(callsOf(host, 'trust.remove').map((c) => c.input)).toEqual([
    { keyId: 'ed25519:7f3a9c21' },
  ]);
});

test('each "Deny always" answer can be reset', async () => {
  const { host, user } = await openSettings();
  const denied = screen.getByRole('region', { name: 'Denied always' });
  expect(within(denied).getByText('Connect to upload.tracker.example (port 443)')).toBeTruthy();
  await user.click(within(denied).getByRole('button', { name: 'Reset' }));
  expect(await within(denied).findByText(/No “Deny always” answer/)).toBeTruthy();
  expect(callsOf(host, 'grants.resetDeniedAlways').map((c) => c.input)).toEqual([
    { ext: 'acme.notes-sync', rule: 'connect upload.tracker.example:443' },
  ]);
});

test('a "Deny always" answer given in another window appears without a reload', async () => {
  const { host } = await openSettings();
  const denied = screen.getByRole('region', { name: 'Denied always' });
  const prompt = host.ask();
  host.deniedAlways.push({
    ext: prompt.ext,
    rule: 'read ${downloads}',
    sentence: prompt.question,
    at: new Date().toISOString(),
  });
  host.closePrompt(prompt.id, 'answered', 'Answered in another window: Deny always', 'deny-always');
  expect(await within(denied).findByText('read ${downloads}')).toBeTruthy();
});
