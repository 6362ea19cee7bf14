// The Access log view: newest first and live, filters sent to the host and applied to the stream,
// pause with a counter and a resume that loses nothing, the detail panel by mouse and keyboard,
// and an export of the filtered view as a download.
import { act, screen, within } from '@testing-library/react';
import { expect, test, vi } from 'vitest';
import { renderApp } from './render-app.tsx';
import { callsOf } from './test-store.ts';

async function openLog(auditEvents = 300) {
  const app = renderApp({ route: '#/access-log', auditEvents });
  const grid = await screen.findByRole('grid', { name: 'Access log events, newest first' });
  await within(grid).findAllByRole('gridcell');
  return { ...app, grid };
}

const shownSeqs = (grid: HTMLElement) =>
  within(grid)
    .getAllByRole('row')
    .slice(1)
    .map((row) => Number(row.id.replace('audit-row-', '')));

test('events are shown newest first, and new ones arrive at the top', async () => {
  const { grid, host } = await openLog();
  expect(shownSeqs(grid).slice(0, 3)).toEqual([299, 298, 297]);
  expect(grid.getAttribute('aria-rowcount')).toBe('301');
  act(() => void host.addAuditEvents(2));
  await expect.poll(() => shownSeqs(grid)[0]).toBe(301);
  expect(screen.getByText(/302 events shown · live/)).toBeTruthy();
});

test('a decision filter is read from the host and holds for live events too', async () => {
  const { grid, host, user } = await openLog();
  await user.selectOptions(screen.getByRole('combobox', { name: 'Decision' }), 'Denied');
  await expect
    .poll(() => callsOf(host, 'audit.query').at(-1)!.input)
    .toMatchObject({ decision: 'deny' });
  act(() => void host.addAuditEvents(50));
  await expect
    .poll(() => shownSeqs(grid)[0])
    .toBe(host.audit.filter((e) => e.decision === 'deny').at(-1)!.seq);
  const decisions = within(grid)
    .getAllByRole('row')
    .slice(1)
    .map((r) => r.querySelector('.badge')!.textContent);
  expect(new Set(decisions)).toEqual(new Set(['Denied']));
});

test('the search box filters by operation, target or reason', async () => {
  const { grid, host, user } = await openLog();
  await user.type(screen.getByRole('searchbox', { name: 'Search' }), '.ssh');
  await expect
    .poll(() => callsOf(host, 'audit.query').at(-1)!.input)
    .toMatchObject({ text: '.ssh' });
  await expect
    .poll(() =>
      within(grid)
        .getAllByRole('row')
        .slice(1)
        .every((r) => r.textContent!.includes('.ssh')),
    )
    .toBe(true);
  const matching = host.audit
    .filter((e) => e.target.includes('.ssh'))
    .map((e) => e.seq)
    .reverse();
  expect(shownSeqs(grid)).toEqual(matching.slice(0, shownSeqs(grid).length));
});

test('Pause holds the view and counts what arrives; Resume reads it back by seq', async () => {
  const { grid, host, user } = await openLog();
  await user.click(screen.getByRole('button', { name: 'Pause' }));
  const resume = screen.getByRole('button', { name: 'Resume' });
  expect(resume.getAttribute('aria-pressed')).toBe('true');
  act(() => void host.addAuditEvents(7));
  expect(await screen.findByText('7 new events')).toBeTruthy();
  expect(shownSeqs(grid)[0]).toBe(299);
  await user.click(resume);
  await expect.poll(() => shownSeqs(grid)[0]).toBe(306);
  expect(screen.queryByText('7 new events')).toBeNull();
  expect(callsOf(host, 'audit.query').at(-1)!.input).toMatchObject({ afterSeq: 299 });
});

test('a row opens its details; the keyboard moves through rows and opens one with Enter', async () => {
  const { grid, host, user } = await openLog();
  await user.click(within(grid).getAllByRole('row')[3]!);
  const detail = await screen.findByRole('complementary', { name: 'Event 297' });
  const event = host.audit[297]!;
  expect(within(detail).getByText(event.target)).toBeTruthy();
  expect(within(detail).getByText(event.reason)).toBeTruthy();
  await user.click(within(detail).getByRole('button', { name: 'Close details' }));
  expect(screen.queryByRole('complementary')).toBeNull();

  // The clicked row is the active one: the arrows move from it.
  grid.focus();
  await user.keyboard('{ArrowDown}{ArrowDown}{ArrowUp}{ArrowUp}{ArrowUp}');
  expect(grid.getAttribute('aria-activedescendant')).toBe('audit-row-298');
  await user.keyboard('{Enter}');
  expect(await screen.findByRole('complementary', { name: 'Event 298' })).toBeTruthy();
  await user.keyboard('{Home}{Enter}');
  expect(await screen.findByRole('complementary', { name: 'Event 299' })).toBeTruthy();
  await user.keyboard('{Escape}');
  expect(screen.queryByRole('complementary')).toBeNull();
});

test('Export downloads the filtered view in the store format', async () => {
  const { host, user } = await openLog();
  const created: Blob[] = [];
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    created.push(blob as Blob);
    return 'blob:corral/export';
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  const clicks: string[] = [];
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    clicks.push(`${this.download} ${this.href}`);
  });
  await user.selectOptions(screen.getByRole('combobox', { name: 'Extension' }), 'shady.clip-sync');
  await user.click(screen.getByRole('button', { name: 'Export CSV' }));
  const expected = host.audit.filter((e) => e.ext === 'shady.clip-sync').length;
  expect(await screen.findByText(`Exported ${expected} events to corral-audit.csv`)).toBeTruthy();
  expect(callsOf(host, 'audit.export').map((c) => c.input)).toEqual([
    { filter: { ext: 'shady.clip-sync' }, format: 'csv' },
  ]);
  expect(clicks).toEqual(['corral-audit.csv blob:corral/export']);
  const csv = await created[0]!.text();
  expect(csv.split('\r\n')[0]).toBe(
    'seq,ts,ext,layer,kind,op,target,decision,outcome,reason,durationUs,v',
  );
  expect(csv.split('\r\n').filter(Boolean)).toHaveLength(expected + 1);
});

test('an export the host refuses shows its sentence', async () => {
  const { host, user } = await openLog();
  host.failNext('audit.export', {
    code: 'internal',
    message: 'The audit store could not be read; try again.',
  });
  await user.click(screen.getByRole('button', { name: 'Export JSON lines' }));
  expect((await screen.findByRole('alert')).textContent).toBe(
    'The audit store could not be read; try again.',
  );
});
