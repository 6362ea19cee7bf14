// The command palette: Ctrl+K opens a dialog named Commands with a combobox over a listbox of the
// enabled extensions' commands; the arrows and Enter choose one; it runs with optional JSON
// arguments and shows the result or the error.
import { screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { renderApp } from './render-app.tsx';
import { callsOf } from './test-store.ts';

async function openPalette() {
  const app = renderApp();
  await screen.findByRole('navigation', { name: 'Installed extensions' });
  await app.user.keyboard('{Control>}k{/Control}');
  const dialog = await screen.findByRole('dialog', { name: 'Commands' });
  await within(dialog).findAllByRole('option');
  return { ...app, dialog };
}

test('Ctrl+K opens the palette with the search focused and the enabled extensions commands listed', async () => {
  const { dialog } = await openPalette();
  const search = within(dialog).getByRole('combobox', { name: 'Search commands' });
  expect(document.activeElement).toBe(search);
  const options = within(dialog)
    .getAllByRole('option')
    .map((o) => o.textContent);
  expect(options).toHaveLength(5);
  expect(options).toContain('Count words in a fileWord Count');
  // Photo Resizer and Clipboard Sync are disabled: their commands are not offered.
  expect(options.join()).not.toMatch(/Clipboard|Resizer/);
  expect(search.getAttribute('aria-activedescendant')).toBe(
    within(dialog).getAllByRole('option')[0]!.id,
  );
});

test('typing narrows the list, the arrows move the choice, Enter picks it, and Run shows the result', async () => {
  const { dialog, host, user } = await openPalette();
  await user.keyboard('notes');
  const options = within(dialog).getAllByRole('option');
  expect(options.map((o) => o.textContent)).toEqual([
    'Sync notes nowNotes Sync',
    'Search notesNotes Sync',
  ]);
  await user.keyboard('{ArrowDown}');
  expect(options[1]!.getAttribute('aria-selected')).toBe('true');
  await user.keyboard('{Enter}');
  expect(await within(dialog).findByRole('heading', { name: 'Search notes' })).toBeTruthy();
  await user.type(within(dialog).getByRole('textbox', { name: /Arguments/ }), '[["meeting"]');
  await user.click(within(dialog).getByRole('button', { name: 'Run' }));
  const result = await within(dialog).findByRole('region', { name: /^Result/ });
  expect(within(result).getByText('ran notes.search')).toBeTruthy();
  expect(callsOf(host, 'commands.run').map((c) => c.input)).toEqual([
    { extensionId: 'acme.notes-sync', command: 'notes.search', args: ['meeting'] },
  ]);
});

test('arguments that are not a JSON array are refused before anything runs', async () => {
  const { dialog, host, user } = await openPalette();
  await user.keyboard('count{Enter}');
  await user.type(within(dialog).getByRole('textbox', { name: /Arguments/ }), '{{"file": 1}');
  await user.click(within(dialog).getByRole('button', { name: 'Run' }));
  expect((await within(dialog).findByRole('alert')).textContent).toBe(
    'The arguments must be a JSON array, such as ["notes.md", 3].',
  );
  expect(callsOf(host, 'commands.run')).toHaveLength(0);
});

test('a command that fails shows its error; a JSON result is shown indented', async () => {
  const { dialog, user } = await openPalette();
  await user.keyboard('count{Enter}');
  await user.click(within(dialog).getByRole('button', { name: 'Run' }));
  expect((await within(dialog).findByRole('alert')).textContent).toBe(
    'Word Count failed: give the file as the first argument, e.g. ["notes.md"].',
  );
  await user.type(within(dialog).getByRole('textbox', { name: /Arguments/ }), '[["report.md"]');
  await user.click(within(dialog).getByRole('button', { name: 'Run' }));
  const result = await within(dialog).findByRole('region', { name: /^Result/ });
  expect(result.querySelector('pre')!.textContent).toBe(
    '{\n  "file": "report.md",\n  "words": 1234\n}',
  );
});

test('Escape goes back from a command, then closes the palette', async () => {
  const { dialog, user } = await openPalette();
  await user.keyboard('{Enter}');
  await within(dialog).findByRole('button', { name: 'Run' });
  await user.keyboard('{Escape}');
  expect(await within(dialog).findByRole('combobox', { name: 'Search commands' })).toBeTruthy();
  await user.keyboard('{Escape}');
  await expect.poll(() => screen.queryByRole('dialog')).toBeNull();
});

test('the palette does not open over a permission question', async () => {
  const app = renderApp();
  await screen.findByRole('navigation', { name: 'Installed extensions' });
  app.host.ask();
  await screen.findByRole('alertdialog');
  await app.user.keyboard('{Control>}k{/Control}');
  expect(screen.queryByRole('dialog', { name: 'Commands' })).toBeNull();
});
