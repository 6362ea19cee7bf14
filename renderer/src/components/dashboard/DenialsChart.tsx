// Denials per minute over the last hour, a line per extension (uPlot on a canvas), with a legend
// that also says each extension's total in words, for those who cannot see the chart.
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { visibleText, type DenialSeries } from '../../../../app/contract/index.ts';
import { DASHBOARD_MINUTES } from '../../store/dashboard-slice.ts';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { formatCount } from '../common/format.ts';
import { useColorScheme } from '../common/use-color-scheme.ts';
import { useNow } from '../common/use-now.ts';
import { alignDenials } from './chart-data.ts';

/** Series colours, in dashboard.css as --chart-0…7. */
const PALETTE_SIZE = 8;
const HEIGHT = 220;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export function DenialsChart({ series }: { series: readonly DenialSeries[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const scheme = useColorScheme();
  const now = useNow(30_000);
  const aligned = useMemo(() => alignDenials(series, now, DASHBOARD_MINUTES), [series, now]);
  const names = series.map((s) => s.ext).join('\n');

  useEffect(() => {
    const el = box.current!;
    const text = cssVar('--text-muted');
    const grid = cssVar('--border');
    const axis = {
      stroke: text,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    };
    // Times of day as the rest of the UI writes them (24-hour, the user's locale).
    const clock = (_u: uPlot, splits: number[]) =>
      splits.map((t) =>
        new Date(t * 1000).toLocaleTimeString(undefined, {
          hour: '2-digit',
          minute: '2-digit',
          hour12: false,
        }),
      );
    const chart = new uPlot(
      {
        width: el.clientWidth || 600,
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, max)] } },
        axes: [
          { ...axis, values: clock },
          { ...axis, size: 44 },
        ],
        series: [
          {},
          ...names.split('\n').map((ext, i) => ({
            label: visibleText(ext),
            stroke: cssVar(`--chart-${i % PALETTE_SIZE}`),
            width: 2,
            points: { show: false },
          })),
        ],
      },
      [[], ...names.split('\n').map(() => [])],
      el,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: el.clientWidth, height: HEIGHT }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [names, scheme]);

  useEffect(() => {
    plot.current?.setData([aligned.x, ...aligned.ys]);
  }, [aligned, names, scheme]);

  const total = aligned.totals.reduce((a, b) => a + b, 0);
  return (
    <figure className="chart">
      <div
        ref={box}
        className="chart-canvas"
        role="img"
        aria-label={`Denials per minute over the last hour: ${formatCount(total)} in all; each extension's total is listed below.`}
      />
      <figcaption>
        {series.length === 0 ? (
          <p className="muted">No denial in the last hour.</p>
        ) : (
          <ul className="chart-legend">
            {series.map((s, i) => (
              <li key={s.ext}>
                <span className={`swatch swatch-${i % PALETTE_SIZE}`} aria-hidden="true" />
                <ExtensionText text={s.ext} />
                <span className="muted">
                  {formatCount(aligned.totals[i] ?? 0)}{' '}
                  {aligned.totals[i] === 1 ? 'denial' : 'denials'}
                </span>
              </li>
            ))}
          </ul>
        )}
      </figcaption>
    </figure>
  );
}
