// Installing with consent: in a browser tab the package is uploaded (read, base64) and staged; in
// the desktop window the host's own file dialog chooses it. The consent sheet says what it may do,
// with risk badges and what the signature proves; only Install installs; Cancel discards.
import { fireEvent, screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { renderApp } from './render-app.tsx';
import { callsOf } from './test-store.ts';

async function upload(name: string, content: string) {
  const app = renderApp();
  await screen.findByRole('navigation', { name: 'Installed extensions' });
  const file = new File([content], name, { type: 'application/gzip' });
  await app.user.upload(screen.getByLabelText('Package file'), file);
  return app;
}

test('a browser tab uploads the chosen file as base64 and stages it; nothing is installed yet', async () => {
  const { host } = await upload('todo-lists-1.0.0.tgz', 'hello');
  const sheet = await screen.findByRole('dialog', { name: /^Install Todo Lists ?\?$/ });
  expect(callsOf(host, 'extensions.stage').map((c) => c.input)).toEqual([
    { source: { kind: 'upload', name: 'todo-lists-1.0.0.tgz', base64: 'aGVsbG8=' } },
  ]);
  expect(callsOf(host, 'extensions.install')).toHaveLength(0);
  expect(within(sheet).getByText('Read and change files in Documents/Todo')).toBeTruthy();
  expect(within(sheet).getAllByText('Medium risk').length).toBe(3);
  expect(within(sheet).getByText(/which you trust: it comes from them, unchanged/)).toBeTruthy();
  expect(sheet.querySelector('.sheet-meta')!.textContent).toMatch(/from acme/);
});

test('Install installs the staged package with consent, and it joins the list', async () => {
  const { host, user } = await upload('todo-lists-1.0.0.tgz', 'hello');
  const sheet = await screen.findByRole('dialog');
  await user.click(within(sheet).getByRole('button', { name: 'Install' }));
  await expect.poll(() => screen.queryByRole('dialog')).toBeNull();
  expect(callsOf(host, 'extensions.install').map((c) => c.input)).toEqual([
    { token: 'staged-token-000001', consent: true },
  ]);
  const list = screen.getByRole('navigation', { name: 'Installed extensions' });
  expect(within(list).getByRole('link', { name: /Todo Lists/ })).toBeTruthy();
});

test('Cancel discards the staged package and installs nothing', async () => {
  const { host, user } = await upload('todo-lists-1.0.0.tgz', 'hello');
  const sheet = await screen.findByRole('dialog');
  await user.click(within(sheet).getByRole('button', { name: 'Cancel' }));
  await expect.poll(() => screen.queryByRole('dialog')).toBeNull();
  expect(callsOf(host, 'extensions.cancelInstall').map((c) => c.input)).toEqual([
    { token: 'staged-token-000001' },
  ]);
  expect(callsOf(host, 'extensions.install')).toHaveLength(0);
  expect(host.staged.size).toBe(0);
});

test('a file that is not a package is refused in one line, and nothing is sent', async () => {
  const { host } = renderApp();
  await screen.findByRole('navigation', { name: 'Installed extensions' });
  // The picker's own filter can be switched to "All files": the app checks again.
  fireEvent.change(screen.getByLabelText('Package file'), {
    target: { files: [new File(['hello'], 'notes.txt')] },
  });
  expect((await screen.findByRole('alert')).textContent).toBe(
    'notes.txt is not a package: choose a .tgz, .tar.gz, .tar or .zip file.',
  );
  expect(callsOf(host, 'extensions.stage')).toHaveLength(0);
});

test('the host refusing the package shows its sentence beside the button', async () => {
  const app = renderApp();
  await screen.findByRole('navigation', { name: 'Installed extensions' });
  app.host.failNext('extensions.stage', {
    code: 'refused',
    message:
      'todo.tgz is not signed and Settings require signatures: ask the publisher for a signed package.',
  });
  await app.user.upload(screen.getByLabelText('Package file'), new File(['x'], 'todo.tgz'));
  expect((await screen.findByRole('alert')).textContent).toMatch(/^todo\.tgz is not signed/);
  expect(screen.queryByRole('dialog')).toBeNull();
});

test('the desktop window asks the host for its own file dialog instead of uploading', async () => {
  const { host, user } = renderApp({ shell: 'electron' });
  await screen.findByRole('navigation', { name: 'Installed extensions' });
  await user.click(screen.getByRole('button', { name: 'Install extension' }));
  await screen.findByRole('dialog', { name: /^Install Todo Lists ?\?$/ });
  expect(callsOf(host, 'extensions.choosePackage')).toHaveLength(1);
  expect(callsOf(host, 'extensions.stage')).toHaveLength(0);
});
