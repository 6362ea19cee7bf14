// Per-test set-up for the renderer's tests: a clean page after each test, uPlot replaced by a
// recorder (happy-dom has no canvas to draw on; the chart's data is what the tests check), and a
// size for the Access log's scroll box (happy-dom lays nothing out, so every box measures 0 and
// the virtualiser would show no row).
import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// findBy… waits this long on a busy machine before it gives up.
configure({ asyncUtilTimeout: 10_000 });

/** What each uPlot chart was last given, for the dashboard tests. */
export const charts: { series: string[]; data: unknown[] }[] = [];

vi.mock('uplot', () => ({
  default: class FakePlot {
    record: { series: string[]; data: unknown[] };
    constructor(options: { series: { label?: string }[] }, data: unknown[]) {
      this.record = { series: options.series.slice(1).map((s) => s.label ?? ''), data };
      charts.push(this.record);
    }
    setData(data: unknown[]) {
      this.record.data = data;
    }
    setSize() {}
    destroy() {
      charts.splice(charts.indexOf(this.record), 1);
    }
  },
}));

/** The Access log's scroll box as a 1200 × 600 window shows it. */
for (const [property, size] of [
  ['clientHeight', 600],
  ['clientWidth', 1200],
] as const) {
  const native =
    Object.getOwnPropertyDescriptor(HTMLElement.prototype, property) ??
    Object.getOwnPropertyDescriptor(Element.prototype, property);
  Object.defineProperty(HTMLElement.prototype, property, {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('log-grid') ? size : (native?.get?.call(this) ?? 0);
    },
  });
}

afterEach(() => {
  cleanup();
  window.location.hash = '';
});
