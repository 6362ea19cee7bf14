// Text an extension supplies is shown as text with its hidden characters made visible: a bidi
// override, terminal escapes, zero-width characters and markup cannot reorder, hide or inject
// anything, in names, descriptions, command titles, paths, log lines or prompts.
import { render, screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { hasHiddenCharacters } from '../../../app/contract/index.ts';
import { ExtensionText } from '../../../renderer/src/components/common/ExtensionText.tsx';
import { renderApp } from './render-app.tsx';

test('each kind of hidden character becomes a visible mark, and markup stays text', () => {
  const { container } = render(
    <p>
      <ExtensionText
        text={'Invoice\u202Egnp.exe \u001b[31mred\u001b[0m a\u200Bb <script>alert(1)</script>'}
      />
    </p>,
  );
  expect(container.textContent).toBe(
    'Invoice⟨RLO⟩gnp.exe ⟨ESC⟩[31mred⟨ESC⟩[0m a⟨ZWSP⟩b <script>alert(1)</script>',
  );
  expect(container.querySelector('script')).toBeNull();
  expect([...container.querySelectorAll('.hidden-char')].map((m) => m.textContent)).toEqual([
    '⟨RLO⟩',
    '⟨ESC⟩',
    '⟨ESC⟩',
    '⟨ZWSP⟩',
  ]);
});

test('ordinary text is left as it is, with no marks', () => {
  const { container } = render(<ExtensionText text="Notes Sync — ‹notes›, 日本語, émoji 🎉" />);
  expect(container.textContent).toBe('Notes Sync — ‹notes›, 日本語, émoji 🎉');
  expect(container.querySelector('.hidden-char')).toBeNull();
});

test('a log line keeps its line breaks but not its escapes', () => {
  const { container } = render(<ExtensionText text={'one\ntwo\u0007'} multiline />);
  expect(container.textContent).toBe('one\ntwo⟨BEL⟩');
});

test('the hostile extension cannot put a hidden character anywhere on its page', async () => {
  const { user, host } = renderApp({ route: '#/extensions/evil.invoice' });
  // The positive control: the host really sends those characters.
  expect(hasHiddenCharacters(host.find('evil.invoice')!.summary.name)).toBe(true);
  const details = await screen.findByRole('article');
  const title = await within(details).findByRole('heading', { level: 2 });
  expect(title.textContent).toBe('Invoice⟨RLO⟩gnp.exe');
  expect(within(details).getByText(/cleared your screen/).textContent).toBe(
    '⟨ESC⟩[2J⟨ESC⟩[Hcleared your screen⟨BEL⟩',
  );
  expect(within(details).getByText(/Totally harmless/).textContent).toBe(
    'Totally harmless ⟨ESC⟩[31mred text⟨ESC⟩[0m and <script>alert(1)</script>.',
  );
  expect(document.querySelector('script')).toBeNull();
  expect(hasHiddenCharacters(document.body.textContent!.replaceAll('\n', ''))).toBe(false);

  await user.keyboard('{Control>}k{/Control}');
  const palette = await screen.findByRole('dialog', { name: 'Commands' });
  expect(within(palette).getByText(/invoice$/).textContent).toBe('Open ⟨ESC⟩]0;pwned⟨BEL⟩invoice');
  expect(hasHiddenCharacters(document.body.textContent!.replaceAll('\n', ''))).toBe(false);
});

test('a prompt question with an override is shown with the override marked', async () => {
  const app = renderApp();
  await screen.findByRole('navigation', { name: 'Installed extensions' });
  app.host.ask({ question: 'Invoice wants to read \u202Efdp.exe', target: '/tmp/\u200Bx' });
  const dialog = await screen.findByRole('alertdialog', {
    name: /^Invoice wants to read ⟨RLO⟩ ?fdp\.exe$/,
  });
  expect(within(dialog).getByText(/\/tmp\//).textContent).toBe('/tmp/⟨ZWSP⟩x');
});
