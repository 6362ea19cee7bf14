// The denial series on one time axis, a point per minute, as uPlot takes them.
import type { DenialSeries } from '../../../../app/contract/index.ts';

const MINUTE = 60_000;

export interface AlignedDenials {
  /** Minute starts in seconds (uPlot's time unit). */
  x: number[];
  /** One array per series, aligned with x. */
  ys: number[][];
  totals: number[];
}

/**
 * The minutes of the last `minutes` minutes up to `now`, each series' denials per minute (0 where
 * none): `minutes + 1` points, since the window starts and ends inside a minute.
 */
export function alignDenials(
  series: readonly DenialSeries[],
  now: number,
  minutes: number,
): AlignedDenials {
  const last = Math.floor(now / MINUTE) * MINUTE;
  const first = last - minutes * MINUTE;
  const points = minutes + 1;
  const x = Array.from({ length: points }, (_, i) => (first + i * MINUTE) / 1000);
  const ys = series.map((s) => {
    const y = new Array<number>(points).fill(0);
    for (const p of s.points) {
      const i = Math.round((Math.floor(Date.parse(p.t) / MINUTE) * MINUTE - first) / MINUTE);
      if (i >= 0 && i < points) y[i]! += p.denials;
    }
    return y;
  });
  return { x, ys, totals: ys.map((y) => y.reduce((a, b) => a + b, 0)) };
}
