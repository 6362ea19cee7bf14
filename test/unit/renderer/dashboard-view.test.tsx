// The Dashboard: the reduced-mode banner with the doctor's explanation, denials per extension on
// the chart (and in words), resource use from the live metrics, and alerts as they fire.
import { act, screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { fullDoctor } from '../../support/fake-corral-data.ts';
import { renderApp } from './render-app.tsx';
import { charts } from './setup.ts';

test('reduced mode is a clear banner with what is weaker and how to get full isolation', async () => {
  renderApp({ route: '#/dashboard' });
  const banner = await screen.findByRole('region', { name: 'Reduced sandbox mode' });
  expect(within(banner).getByText(/refuses unprivileged user namespaces/)).toBeTruthy();
  expect(
    within(banner).getByText('An extension can see the list of processes on this machine.'),
  ).toBeTruthy();
  expect(
    within(banner).getByText(/sudo sysctl -w kernel\.unprivileged_userns_clone=1/),
  ).toBeTruthy();
  expect(within(banner).getByText('Isolation layers (3 of 7 available)')).toBeTruthy();
  expect(screen.getByRole('link', { name: 'Reduced sandbox' })).toBeTruthy();
});

test('full isolation is one quiet line, and no warning in the side bar', async () => {
  renderApp({ route: '#/dashboard', doctor: fullDoctor });
  expect(await screen.findByRole('region', { name: 'Full isolation' })).toBeTruthy();
  expect(screen.queryByRole('link', { name: 'Reduced sandbox' })).toBeNull();
});

test('denials over time are charted per extension and totalled in words', async () => {
  const { host } = renderApp({ route: '#/dashboard', auditEvents: 2000 });
  const chart = await screen.findByRole('img', { name: /Denials per minute over the last hour/ });
  const totals = new Map<string, number>();
  for (const e of host.audit.filter((e) => e.decision === 'deny'))
    totals.set(e.ext, (totals.get(e.ext) ?? 0) + 1);
  expect(charts).toHaveLength(1);
  expect(new Set(charts[0]!.series)).toEqual(new Set(totals.keys()));
  const [x, ...ys] = charts[0]!.data as number[][];
  expect(x).toHaveLength(61);
  const charted = ys.map((y) => y.reduce((a, b) => a + b, 0)).reduce((a, b) => a + b, 0);
  expect(charted).toBe([...totals.values()].reduce((a, b) => a + b, 0));
  expect(chart.getAttribute('aria-label')).toMatch(
    new RegExp(`${charted.toLocaleString()} in all`),
  );
  const legend = within(chart.closest('figure')!).getByText('shady.clip-sync').closest('li')!;
  expect(legend.textContent).toMatch(`${totals.get('shady.clip-sync')!.toLocaleString()} denials`);
});

test('CPU and memory of each running extension follow the live metrics', async () => {
  const { host } = renderApp({ route: '#/dashboard' });
  const running = await screen.findByRole('region', { name: 'Running extensions' });
  const table = within(running).getByRole('table');
  expect(within(table).getByRole('rowheader', { name: 'Notes Sync' })).toBeTruthy();
  act(() =>
    host.emit('onMetrics', {
      ts: new Date().toISOString(),
      resources: [
        {
          id: 'devtools.git-helper',
          use: { cpuPercent: 42.4, rssBytes: 150 * 1024 * 1024, processes: 4, openFds: 40 },
        },
      ],
    }),
  );
  const row = within(table).getByRole('rowheader', { name: 'Git Helper' }).closest('tr')!;
  expect(row.textContent).toMatch(/42%/);
  expect(row.textContent).toMatch(/150 MB/);
  expect(within(table).queryByRole('rowheader', { name: 'Notes Sync' })).toBeNull();
});

test('alerts are listed newest first, and a new one appears as it fires', async () => {
  const { host } = renderApp({ route: '#/dashboard' });
  const alerts = await screen.findByRole('region', { name: 'Alerts' });
  expect(within(alerts).getByText('Burst of denials')).toBeTruthy();
  act(() =>
    host.emit('onAlert', {
      seq: 99,
      ts: new Date().toISOString(),
      ext: 'evil.invoice',
      rule: 'first-seen-access',
      message: 'First read of ~/Downloads',
    }),
  );
  const items = within(alerts).getAllByRole('listitem');
  expect(items[0]!.textContent).toMatch(/First-seen access/);
  expect(items[0]!.textContent).toMatch(/First read of ~\/Downloads/);
});
