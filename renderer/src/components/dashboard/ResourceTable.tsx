// CPU and memory of each running extension, from the host's metrics about once a second.
import { useCorral } from '../../store/store-context.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { formatBytes, formatPercent } from '../common/format.ts';
import { Sparkline } from './Sparkline.tsx';

export function ResourceTable() {
  const metrics = useCorral((s) => s.metrics);
  const history = useCorral((s) => s.metricsHistory);
  const extensions = useCorral((s) => s.extensions);
  const ids = Object.keys(metrics).sort();
  if (ids.length === 0) return <p className="muted">No extension is running.</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Extension</th>
          <th scope="col" className="num">
            CPU
          </th>
          <th scope="col">Last minute</th>
          <th scope="col" className="num">
            Memory
          </th>
          <th scope="col" className="num">
            Processes
          </th>
          <th scope="col" className="num">
            Open files
          </th>
        </tr>
      </thead>
      <tbody>
        {ids.map((id) => {
          const use = metrics[id]!;
          const name = extensions.find((e) => e.id === id)?.name ?? id;
          return (
            <tr key={id}>
              <th scope="row">
                <ExtensionText text={name} />
              </th>
              <td className="num">{formatPercent(use.cpuPercent)}</td>
              <td>
                <Sparkline values={(history[id] ?? []).map((s) => s.cpuPercent)} max={10} />
              </td>
              <td className="num">{formatBytes(use.rssBytes)}</td>
              <td className="num">{use.processes}</td>
              <td className="num">{use.openFds}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
