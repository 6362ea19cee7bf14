// The shape every benchmark returns, and the aligned text table `npm run bench` prints.

export interface BenchRow {
  name: string;
  median: string | number;
  unit: string;
  /** What we aim for, e.g. "≥ 1,000,000/s". */
  target?: string;
  /** median ÷ target, e.g. "3.2×". */
  ratio?: string;
}

export type BenchTable = { title: string; rows: BenchRow[] };

/** Prints `t` as an aligned text table (numbers right-aligned, with thousands separators). */
export function printTable(
  t: BenchTable,
  write: (s: string) => void = (s) => void process.stdout.write(s),
): void {
  const header = ['benchmark', 'median', 'unit', 'target', 'ratio'];
  const cells = t.rows.map((r) => [
    r.name,
    typeof r.median === 'number' ? formatNumber(r.median) : r.median,
    r.unit,
    r.target ?? '',
    r.ratio ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((s, i) => (i === 1 ? s.padStart(widths[i]!) : s.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  write(`\n${t.title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const c of cells) write(line(c) + '\n');
}

/** 1234567.8 → "1,234,568"; small numbers keep up to two decimals. */
export function formatNumber(n: number): string {
  const digits = Math.abs(n) >= 100 ? 0 : 2;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
