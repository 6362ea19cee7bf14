// The Dashboard: the sandbox mode first, then denials over time, resource use and alerts.
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { AlertList } from './AlertList.tsx';
import { DenialsChart } from './DenialsChart.tsx';
import { ResourceTable } from './ResourceTable.tsx';
import { SandboxModeBanner } from './SandboxModeBanner.tsx';

export function DashboardView() {
  const dashboard = useCorral((s) => s.dashboard);
  const error = useCorral((s) => s.dashboardError);
  return (
    <section className="view" aria-labelledby="dashboard-title">
      <header className="view-head">
        <div>
          <h1 id="dashboard-title">Dashboard</h1>
          <p className="view-sub">The last hour, live.</p>
        </div>
      </header>
      <ErrorLine error={error} />
      {!dashboard ? (
        !error && <p className="muted">Reading the dashboard…</p>
      ) : (
        <div className="dashboard-grid">
          <SandboxModeBanner report={dashboard.mode} />
          <section className="panel card span-2" aria-labelledby="denials-title">
            <h2 id="denials-title">Denials per minute</h2>
            <DenialsChart series={dashboard.denials} />
          </section>
          <section className="panel card" aria-labelledby="resources-title">
            <h2 id="resources-title">Running extensions</h2>
            <ResourceTable />
          </section>
          <section className="panel card" aria-labelledby="alerts-title">
            <h2 id="alerts-title">Alerts</h2>
            <AlertList alerts={dashboard.alerts} />
          </section>
        </div>
      )}
    </section>
  );
}
