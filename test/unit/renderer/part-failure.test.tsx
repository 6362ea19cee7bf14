// A part of the window that throws while drawn: it says what failed, as text, with Try again and
// Reload the window, and the parts beside it stay; Try again draws it anew once it can be drawn.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, expect, test, vi } from 'vitest';
import { PartFailure } from '../../../renderer/src/components/shell/PartFailure.tsx';

let broken = true;
function Fragile() {
  if (broken) throw new Error('rows[7] is undefined \u202eevil');
  return <p>The rows</p>;
}

afterEach(() => {
  broken = true;
  vi.restoreAllMocks();
});

test('a view that throws is replaced by what failed; the part beside it stays', async () => {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  render(
    <>
      <nav aria-label="Corral">side bar</nav>
      <PartFailure part="The Access log">
        <Fragile />
      </PartFailure>
    </>,
  );
  const alert = screen.getByRole('alert');
  expect(
    within(alert).getByRole('heading', { name: 'The Access log stopped working' }),
  ).toBeTruthy();
  // The message as text, with the bidi override shown as a mark, never applied.
  expect(alert.textContent).toContain('rows[7] is undefined ⟨RLO⟩evil');
  expect(within(alert).getByRole('button', { name: 'Reload the window' })).toBeTruthy();
  expect(screen.getByRole('navigation', { name: 'Corral' }).textContent).toBe('side bar');
  expect(logged.mock.calls.some(([line]) => String(line).includes('The Access log failed'))).toBe(
    true,
  );

  broken = false;
  await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
  expect(screen.getByText('The rows')).toBeTruthy();
  expect(screen.queryByRole('alert')).toBeNull();
});

test('the control: a part that draws is shown as it is, with no alert', () => {
  broken = false;
  render(
    <PartFailure part="The Access log">
      <Fragile />
    </PartFailure>,
  );
  expect(screen.getByText('The rows')).toBeTruthy();
  expect(screen.queryByRole('alert')).toBeNull();
});
