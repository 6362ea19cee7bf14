// How numbers, sizes and times read in the UI. The Intl formatters are made once: building one
// costs more than formatting with it, and the Access log formats every row it draws.

// The fields toLocaleTimeString and toLocaleString show by default.
const time = { hour: 'numeric', minute: 'numeric', second: 'numeric', hour12: false } as const;
const clock = new Intl.DateTimeFormat(undefined, time);
const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  ...time,
});
const count = new Intl.NumberFormat();

/** "12.5 MB" */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "3.4%" */
export function formatPercent(percent: number): string {
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}

/** The local time of day of an ISO time, "14:03:27", or the text itself when it is not a time. */
export function formatClock(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return clock.format(t);
}

/** The local date and time of an ISO time. */
export function formatDateTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return dateTime.format(t);
}

/** A duration in microseconds, "840 µs", "12.3 ms", "1.2 s". */
export function formatMicros(us: number): string {
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(us < 10_000 ? 1 : 0)} ms`;
  return `${(us / 1_000_000).toFixed(1)} s`;
}

/** "1,234" in the user's locale. */
export function formatCount(n: number): string {
  return count.format(n);
}
