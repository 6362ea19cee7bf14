// Alert rules over the audit stream and resource samples: a burst of denials, a kind of access
// never seen before from an extension, CPU above a threshold for a while. An alert is an audit
// event (contracts §5 fixes the kinds, so: kind `limit`, op `alert`, the rule id first in the
// reason; outcome `alert` and no decision, because an alert refuses nothing). Only policy
// refusals count towards a denial burst (audit event version 2). Pure: time comes in with the input.
import { isPolicyDenial, type AuditEvent, type AuditEventInput } from '../audit-event/event.ts';
import { resultOf } from '../audit-event/export-format.ts';
import {
  alertSettingsSchema,
  type AlertSettings,
  type AlertSettingsInput,
} from './alert-settings.ts';

export type AlertRuleId = 'denial-burst' | 'first-seen-access' | 'sustained-cpu';

/** Whether an audit event is an alert (so rules and rates never feed on their own output). */
export function isAlert(e: Pick<AuditEvent, 'kind' | 'op'>): boolean {
  return e.kind === 'limit' && e.op === 'alert';
}

/** The rule an alert event came from, or null for other events. */
export function alertRule(e: Pick<AuditEvent, 'kind' | 'op' | 'reason'>): AlertRuleId | null {
  if (!isAlert(e)) return null;
  const id = e.reason.slice(0, e.reason.indexOf(':'));
  return id === 'denial-burst' || id === 'first-seen-access' || id === 'sustained-cpu' ? id : null;
}

export class AlertEngine {
  readonly settings: AlertSettings;
  private readonly known: Set<string>;
  private readonly denials = new Map<string, { atMs: number; seq: number }[]>();
  private readonly cpuAbove = new Map<string, number>();
  private readonly lastAlert = new Map<string, number>();

  /** `knownAccess`: (ext, kind, op) triples already seen, e.g. from the store's access_kinds. */
  constructor(
    settings: AlertSettingsInput = {},
    knownAccess: Iterable<{ ext: string; kind: string; op: string }> = [],
  ) {
    this.settings = alertSettingsSchema.parse(settings);
    this.known = new Set([...knownAccess].map((a) => accessKey(a.ext, a.kind, a.op)));
  }

  /** Feeds one committed audit event; returns the alerts it raises. */
  observeEvent(e: AuditEvent, atMs: number = Date.parse(e.ts)): AuditEventInput[] {
    if (isAlert(e)) return [];
    const out: AuditEventInput[] = [];
    const first = this.settings.firstSeenAccess;
    const key = accessKey(e.ext, e.kind, e.op);
    if (first.enabled && first.kinds.includes(e.kind) && !this.known.has(key)) {
      this.known.add(key);
      // Not subject to the cooldown: each new kind of access is its own finding.
      out.push(
        alert(
          e.ext,
          `${e.kind}/${e.op}`,
          `first-seen-access: ${e.ext} did ${e.kind}/${e.op} for the first time (seq ${e.seq}, ${resultOf(e)}: ${e.target})`,
        ),
      );
    } else this.known.add(key);

    const burst = this.settings.denialBurst;
    if (burst.enabled && isPolicyDenial(e)) {
      const windowMs = burst.windowSeconds * 1000;
      let recent = this.denials.get(e.ext);
      if (!recent) this.denials.set(e.ext, (recent = []));
      recent.push({ atMs, seq: e.seq });
      while (recent.length > 0 && recent[0]!.atMs <= atMs - windowMs) recent.shift();
      // Only the newest `denials` entries matter for the threshold: memory stays bounded.
      if (recent.length > burst.denials) recent.splice(0, recent.length - burst.denials);
      if (recent.length >= burst.denials && this.cool(e.ext, 'denial-burst', atMs)) {
        out.push(
          alert(
            e.ext,
            `seq ${recent[0]!.seq}..${e.seq}`,
            `denial-burst: ${recent.length} denials within ${burst.windowSeconds} s (threshold ${burst.denials} in ${burst.windowSeconds} s), the last: ${e.kind}/${e.op} ${e.target}`,
          ),
        );
        recent.length = 0;
      }
    }
    return out;
  }

  /**
   * Feeds one CPU reading of an extension (percent of one core, over the interval ending at
   * `atMs`); returns the alert when it has stayed above the threshold for the configured time.
   */
  observeCpu(ext: string, percent: number, atMs: number): AuditEventInput[] {
    const rule = this.settings.sustainedCpu;
    if (!rule.enabled) return [];
    if (percent <= rule.percent) {
      this.cpuAbove.delete(ext);
      return [];
    }
    const since = this.cpuAbove.get(ext) ?? atMs;
    this.cpuAbove.set(ext, since);
    const heldMs = atMs - since;
    if (heldMs < rule.seconds * 1000 || !this.cool(ext, 'sustained-cpu', atMs)) return [];
    return [
      alert(
        ext,
        'cpu',
        `sustained-cpu: ${Math.round(percent)}% CPU, above ${rule.percent}% for ${Math.round(heldMs / 1000)} s (threshold ${rule.seconds} s)`,
      ),
    ];
  }

  /** Forgets an extension's CPU history (it stopped). */
  forget(ext: string): void {
    this.cpuAbove.delete(ext);
  }

  /** True (and starts the cooldown) when the rule may alert for `ext` now. */
  private cool(ext: string, rule: AlertRuleId, atMs: number): boolean {
    const key = `${ext}\0${rule}`;
    const last = this.lastAlert.get(key);
    if (last !== undefined && atMs - last < this.settings.cooldownSeconds * 1000) return false;
    this.lastAlert.set(key, atMs);
    return true;
  }
}

function accessKey(ext: string, kind: string, op: string): string {
  return `${ext}\0${kind}\0${op}`;
}

function alert(ext: string, target: string, reason: string): AuditEventInput {
  return { ext, layer: 'host', kind: 'limit', op: 'alert', target, outcome: 'alert', reason };
}
