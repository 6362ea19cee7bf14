// The sandbox mode this machine allows, from `corral doctor`: a quiet line in full mode, a clear
// banner with the explanation and the remedies in reduced mode, an error when it refuses.
import type { DoctorReportView } from '../../../../app/contract/index.ts';

const TITLES = {
  full: 'Full isolation',
  reduced: 'Reduced sandbox mode',
  refused: 'Extensions cannot run on this machine',
} as const;

export function SandboxModeBanner({ report }: { report: DoctorReportView }) {
  const kind = report.mode === 'full' ? 'ok' : report.mode === 'reduced' ? 'warning' : 'danger';
  return (
    <section className={`mode-banner mode-${kind}`} aria-labelledby="mode-title">
      <h2 id="mode-title">{TITLES[report.mode]}</h2>
      <p>{report.summary}</p>
      {report.degradations.length > 0 && (
        <>
          <h3>What is weaker</h3>
          <ul>
            {report.degradations.map((d, i) => (
              <li key={i}>{d}</li>
            ))}
          </ul>
        </>
      )}
      {report.remedies.length > 0 && (
        <>
          <h3>How to get full isolation</h3>
          <ul>
            {report.remedies.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        </>
      )}
      <details className="mode-layers">
        <summary>
          Isolation layers ({report.layers.filter((l) => l.ok).length} of {report.layers.length}{' '}
          available)
        </summary>
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Layer</th>
              <th scope="col">Available</th>
              <th scope="col">What it does</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {report.layers.map((l) => (
              <tr key={l.layer}>
                <th scope="row">{l.layer}</th>
                <td>{l.ok ? 'Yes' : 'No'}</td>
                <td>{l.role}</td>
                <td>
                  {l.detail}
                  {l.hint && <span className="muted"> · {l.hint}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {report.memoryLayer && <p className="muted">Memory accounting: {report.memoryLayer}</p>}
      </details>
    </section>
  );
}
