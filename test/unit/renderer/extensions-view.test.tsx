// The Extensions view: the list with states, publisher and signature; the details with grants in
// plain words, risk badges and a Revoke each; the actions, each answering in place; and an
// update waiting for Approve or Reject.
import { screen, waitFor, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { renderApp } from './render-app.tsx';
import { callsOf } from './test-store.ts';

async function openDetails(name: RegExp, route = '#/extensions') {
  const app = renderApp({ route });
  const list = await screen.findByRole('navigation', { name: 'Installed extensions' });
  await app.user.click(within(list).getByRole('link', { name }));
  const details = await screen.findByRole('article');
  await within(details).findByRole('heading', { level: 2 });
  return { ...app, details };
}

test('each installed extension shows its state, version, publisher and signature', async () => {
  renderApp();
  const list = await screen.findByRole('navigation', { name: 'Installed extensions' });
  const notes = within(list).getByRole('link', { name: /Notes Sync/ });
  expect(notes.textContent).toMatch(/1\.4\.2/);
  expect(within(notes).getByText('Running')).toBeTruthy();
  expect(notes.querySelector('.extension-row-meta')!.textContent).toMatch(/^acme/);
  expect(within(notes).getByText(/Signed by/)).toBeTruthy();
  expect(within(notes).getByText(/CPU 3\.2% · 46 MB/)).toBeTruthy();
  const git = within(list).getByRole('link', { name: /Git Helper/ });
  expect(within(git).getByText('Update waiting')).toBeTruthy();
  expect(within(git).getByText('Signed with an untrusted key')).toBeTruthy();
  const clip = within(list).getByRole('link', { name: /Clipboard Sync/ });
  expect(within(clip).getByText('Quarantined')).toBeTruthy();
  expect(within(clip).getByText('Unsigned')).toBeTruthy();
});

test('the details list every grant in plain words with its risk and state', async () => {
  const { details } = await openDetails(/Notes Sync/);
  const grants = within(details).getByRole('region', { name: 'What it may do' });
  const items = within(grants)
    .getAllByRole('listitem')
    .filter((li) => li.classList.contains('consent-item'));
  expect(items.map((li) => li.querySelector('.consent-sentence')!.textContent)).toEqual([
    'Read and change files in Documents/Notes',
    'Keep its own data',
    'Connect to api.acme-cloud.example (port 443)',
    'Read files in your Downloads folder',
    'Connect to upload.tracker.example (port 443)',
  ]);
  expect(within(items[4]!).getByText('High risk')).toBeTruthy();
  expect(within(items[3]!).getByText('Asks each time')).toBeTruthy();
  expect(within(items[3]!).getByText('Optional: asked when needed')).toBeTruthy();
  expect(within(items[4]!).getByText('Denied always')).toBeTruthy();
  expect(within(grants).getAllByRole('button', { name: 'Revoke' })).toHaveLength(3);
  expect(within(details).getByText('Synced 43 notes (1 changed)')).toBeTruthy();
});

test('Revoke takes a grant away at once; Restore gives it back', async () => {
  const { details, host, user } = await openDetails(/Notes Sync/);
  const first = within(details).getAllByRole('button', { name: 'Revoke' })[0]!;
  expect(first.getAttribute('aria-describedby')).toBeTruthy();
  await user.click(first);
  await within(details).findByRole('button', { name: 'Restore' });
  expect(callsOf(host, 'grants.revoke').map((c) => c.input)).toEqual([
    { id: 'acme.notes-sync', rule: 'write ${documents}/Notes' },
  ]);
  expect(within(details).getAllByText('Revoked')).toHaveLength(1);
  await user.click(within(details).getByRole('button', { name: 'Restore' }));
  await within(details).findAllByRole('button', { name: 'Revoke' });
  expect(within(details).queryByText('Revoked')).toBeNull();
});

test('a refused action shows the host sentence where the user acted', async () => {
  const { details, host, user } = await openDetails(/Notes Sync/);
  host.failNext('grants.revoke', {
    code: 'refused',
    message: 'acme.notes-sync is updating: try again in a moment.',
  });
  const item = within(details).getAllByRole('button', { name: 'Revoke' })[1]!.closest('li')!;
  await user.click(within(item).getByRole('button', { name: 'Revoke' }));
  expect((await within(item).findByRole('alert')).textContent).toBe(
    'acme.notes-sync is updating: try again in a moment.',
  );
});

test('Disable and Enable change the state shown', async () => {
  const { details, user } = await openDetails(/Notes Sync/);
  await user.click(within(details).getByRole('button', { name: 'Disable' }));
  await within(details).findByRole('button', { name: 'Enable' });
  expect(within(details).getAllByText('Disabled').length).toBeGreaterThan(0);
  await user.click(within(details).getByRole('button', { name: 'Enable' }));
  await within(details).findByRole('button', { name: 'Disable' });
});

test('Stop stops a running extension now; it is offered only while it runs', async () => {
  const { details, host, user } = await openDetails(/Notes Sync/);
  await user.click(within(details).getByRole('button', { name: 'Stop' }));
  await within(details).findByText('Stopped by you');
  expect(within(details).queryByRole('button', { name: 'Stop' })).toBeNull();
  await waitFor(() =>
    expect(document.activeElement).toBe(within(details).getByRole('button', { name: 'Restart' })),
  );
  expect(callsOf(host, 'extensions.stop').map((c) => c.input)).toEqual([{ id: 'acme.notes-sync' }]);
  // Stopped is not disabled: it starts again when needed, and Restart stays.
  expect(within(details).getByRole('button', { name: 'Disable' })).toBeTruthy();
  expect(within(details).getByRole('button', { name: 'Restart' })).toBeTruthy();
});

test('Quarantine asks for a reason first, then stops and flags the extension', async () => {
  const { details, host, user } = await openDetails(/Notes Sync/);
  await user.click(within(details).getByRole('button', { name: 'Quarantine' }));
  const dialog = await screen.findByRole('dialog', { name: /^Quarantine Notes Sync ?\?$/ });
  const confirm = within(dialog).getByRole('button', { name: 'Quarantine' });
  expect((confirm as HTMLButtonElement).disabled).toBe(true);
  await user.type(
    within(dialog).getByRole('textbox', { name: 'Reason' }),
    'Uploads my notes elsewhere',
  );
  await user.click(confirm);
  await within(details).findByRole('button', { name: 'Lift quarantine' });
  expect(screen.queryByRole('dialog')).toBeNull();
  expect(callsOf(host, 'extensions.quarantine').map((c) => c.input)).toEqual([
    { id: 'acme.notes-sync', reason: 'Uploads my notes elsewhere' },
  ]);
  expect(within(details).getByText('Uploads my notes elsewhere')).toBeTruthy();
  await user.click(within(details).getByRole('button', { name: 'Lift quarantine' }));
  await within(details).findByRole('button', { name: 'Disable' });
  expect(callsOf(host, 'extensions.enable').at(-1)!.input).toEqual({
    id: 'acme.notes-sync',
    liftQuarantine: true,
  });
});

test('Uninstall can remove the data too, and the extension leaves the list', async () => {
  const { details, host, user } = await openDetails(/Photo Resizer/);
  await user.click(within(details).getByRole('button', { name: 'Uninstall' }));
  const dialog = await screen.findByRole('dialog', { name: /^Uninstall Photo Resizer ?\?$/ });
  const keep = within(dialog).getByRole('checkbox', { name: /Keep its data/ });
  expect((keep as HTMLInputElement).checked).toBe(true);
  await user.click(keep);
  await user.click(within(dialog).getByRole('button', { name: 'Uninstall' }));
  const list = screen.getByRole('navigation', { name: 'Installed extensions' });
  await expect.poll(() => within(list).queryByRole('link', { name: /Photo Resizer/ })).toBeNull();
  expect(callsOf(host, 'extensions.uninstall').map((c) => c.input)).toEqual([
    { id: 'pixel.resizer', keepData: false },
  ]);
});

test('Roll back returns to the version before the update', async () => {
  const { details, user } = await openDetails(/Git Helper/);
  await user.click(within(details).getByRole('button', { name: 'Roll back to 0.8.0' }));
  await expect.poll(() => within(details).queryByText('0.8.0')).toBeTruthy();
});

test('an update waiting for consent shows its permission diff, and Approve installs it', async () => {
  const { details, host, user } = await openDetails(/Git Helper/);
  await user.click(within(details).getByRole('button', { name: 'Review update' }));
  const dialog = await screen.findByRole('dialog', {
    name: /^Update Git Helper ?from 0\.9\.1 to 1\.0\.0\?$/,
  });
  expect(within(dialog).getByText('This version asks for more than you approved.')).toBeTruthy();
  expect(within(dialog).getByText('Connect to github.com (port 443)')).toBeTruthy();
  expect(
    within(dialog)
      .getByText(/limits\.memoryMB/)
      .closest('.diff-sentence')!.textContent,
  ).toBe('limits.memoryMB: 256 → 512');
  await user.click(within(dialog).getByRole('button', { name: 'Approve' }));
  await expect.poll(() => screen.queryByRole('dialog')).toBeNull();
  expect(callsOf(host, 'extensions.approveUpdate').map((c) => c.input)).toEqual([
    { id: 'devtools.git-helper', version: '1.0.0', approve: true },
  ]);
  expect(within(details).queryByRole('button', { name: 'Review update' })).toBeNull();
});

test('Reject turns the update down', async () => {
  const { details, host, user } = await openDetails(/Git Helper/);
  await user.click(within(details).getByRole('button', { name: 'Review update' }));
  const dialog = await screen.findByRole('dialog');
  await user.click(within(dialog).getByRole('button', { name: 'Reject' }));
  await expect.poll(() => screen.queryByRole('dialog')).toBeNull();
  expect(callsOf(host, 'extensions.approveUpdate').map((c) => c.input)).toEqual([
    { id: 'devtools.git-helper', version: '1.0.0', approve: false },
  ]);
});
