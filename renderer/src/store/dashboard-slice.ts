// The dashboard: denials per extension per minute (read once, then counted from the live stream),
// resource use from the host's metrics, alerts as they fire, and the sandbox mode.
import {
  isPolicyDenial,
  type AlertView,
  type Dashboard,
  type EventPayload,
  type ResourceUse,
} from '../../../app/contract/index.ts';
import type { AuditEventView } from './audit-window.ts';
import { type ActionError, type SliceFactory } from './slice.ts';

/** The chart's window, and the samples kept per extension for its sparkline. */
export const DASHBOARD_MINUTES = 60;
export const METRICS_KEEP = 60;
const ALERTS_KEEP = 200;
const MINUTE = 60_000;

export interface MetricsSample {
  cpuPercent: number;
  rssBytes: number;
}

export interface DashboardSlice {
  dashboard: Dashboard | null;
  dashboardError: string | null;
  /** The latest resource use of each running extension. */
  metrics: Record<string, ResourceUse>;
  /** Recent samples per extension, oldest first. */
  metricsHistory: Record<string, MetricsSample[]>;
  loadDashboard(): Promise<ActionError>;
  receiveMetrics(payload: EventPayload<'onMetrics'>): void;
  receiveAlert(alert: AlertView): void;
  countDenials(events: readonly AuditEventView[]): void;
}

function minuteStart(ts: string): number {
  return Math.floor(Date.parse(ts) / MINUTE) * MINUTE;
}

export const createDashboardSlice: SliceFactory<DashboardSlice> = ({ set, get, client }) => ({
  dashboard: null,
  dashboardError: null,
  metrics: {},
  metricsHistory: {},

  async loadDashboard() {
    const result = await client.dashboard.get({ minutes: DASHBOARD_MINUTES });
    if (!result.ok) {
      set({ dashboardError: result.error.message });
      return result.error.message;
    }
    const metrics = { ...get().metrics };
    for (const r of result.value.resources) metrics[r.id] ??= r.use;
    set({ dashboard: result.value, dashboardError: null, metrics });
    return null;
  },

  receiveMetrics({ resources }) {
    const history = get().metricsHistory;
    const metrics: Record<string, ResourceUse> = {};
    const next: Record<string, MetricsSample[]> = {};
    // Only the extensions in this sample are running: the others' history ends here.
    for (const { id, use } of resources) {
      metrics[id] = use;
      const samples = (history[id] ?? []).concat({
        cpuPercent: use.cpuPercent,
        rssBytes: use.rssBytes,
      });
      next[id] = samples.length > METRICS_KEEP ? samples.slice(-METRICS_KEEP) : samples;
    }
    set({ metrics, metricsHistory: next });
  },

  receiveAlert(alert) {
    const dashboard = get().dashboard;
    if (!dashboard || dashboard.alerts.some((a) => a.seq === alert.seq)) return;
    set({
      dashboard: { ...dashboard, alerts: [alert, ...dashboard.alerts].slice(0, ALERTS_KEEP) },
    });
  },

  countDenials(events) {
    const dashboard = get().dashboard;
    if (!dashboard) return;
    // Policy refusals only: a crash or a timeout is not a denial (audit event version 2).
    const denials = events.filter(isPolicyDenial);
    if (denials.length === 0) return;
    const series = dashboard.denials.map((s) => ({ ...s, points: s.points.slice() }));
    for (const e of denials) {
      const t = minuteStart(e.ts);
      if (Number.isNaN(t)) continue;
      let line = series.find((s) => s.ext === e.ext);
      if (!line) {
        line = { ext: e.ext, points: [] };
        series.push(line);
      }
      const point = line.points.find((p) => minuteStart(p.t) === t);
      if (point) point.denials++;
      else line.points.push({ t: new Date(t).toISOString(), denials: 1 });
    }
    const since = Date.now() - DASHBOARD_MINUTES * MINUTE;
    for (const s of series) {
      s.points = s.points
        .filter((p) => Date.parse(p.t) >= since)
        .sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
    }
    set({ dashboard: { ...dashboard, denials: series } });
  },
});
