// A small line of recent values, drawn as SVG (decorative: the numbers beside it say the same).
export function Sparkline({ values, max }: { values: readonly number[]; max: number }) {
  if (values.length < 2)
    return <svg className="sparkline" viewBox="0 0 60 20" aria-hidden="true" />;
  const top = Math.max(max, ...values, 1e-9);
  const step = 60 / (values.length - 1);
  const points = values.map(
    (v, i) => `${(i * step).toFixed(1)},${(19 - (v / top) * 18).toFixed(1)}`,
  );
  return (
    <svg className="sparkline" viewBox="0 0 60 20" aria-hidden="true" preserveAspectRatio="none">
      <polyline points={points.join(' ')} />
    </svg>
  );
}
