// The four views are reached by links named exactly Extensions, Access log, Dashboard, Settings.
import { screen } from '@testing-library/react';
import { expect, test } from 'vitest';
import { renderApp } from './render-app.tsx';

test('each navigation link opens its view and marks itself current', async () => {
  const { user } = renderApp();
  for (const name of ['Access log', 'Dashboard', 'Settings', 'Extensions']) {
    await user.click(screen.getByRole('link', { name }));
    expect(await screen.findByRole('heading', { level: 1, name })).toBeTruthy();
    expect(screen.getByRole('link', { name }).getAttribute('aria-current')).toBe('page');
  }
});
