// What the UI shows of an installed extension (the contract's summary and details), built from the
// manager's record, the running copy and its resource use. Text an extension supplies is cut to
// the contract's caps here; the UI makes it visible as text.
import type {
  ConsentItemView,
  ExtensionSummary,
  GrantView,
  ResourceUse,
  RunState,
  StagedInstall,
} from '../contract/index.ts';
import { SHORT_TEXT_MAX, TEXT_MAX } from '../contract/index.ts';
import { grantId, grantLines, type GrantLine } from '../consent/grants.ts';
import {
  grantItem,
  overallRisk,
  summarizePermissions,
  type ConsentItem,
} from '../consent/summary.ts';
import type { PermissionDiff } from '../consent/diff.ts';
import type { ExtensionRecord, PreparedInstall } from '../manager/manager.ts';
import type { PolicyInput } from '../policy/manifest.ts';
import type { ExtensionState } from '../runtime/extension-runner.ts';
import type { DeniedAlwaysEntry } from './denied-always.ts';

const cut = (s: string, max = TEXT_MAX) => (s.length > max ? s.slice(0, max - 1) + '…' : s);
const short = (s: string) => cut(s, SHORT_TEXT_MAX);

/** The runner's state as the user reads it, given what the manager says of the extension. */
export function runState(
  record: ExtensionRecord,
  running: { state: ExtensionState; why: string } | null,
  stoppedWhy: string | undefined,
): { state: RunState; reason: string } {
  if (record.quarantine)
    return { state: 'quarantined', reason: `quarantined: ${record.quarantine.reason}` };
  if (!record.enabled) return { state: 'disabled', reason: 'disabled by the user' };
  if (!running) return { state: 'stopped', reason: stoppedWhy ?? 'starts when it is needed' };
  const state: RunState = {
    ready: 'running',
    starting: 'starting',
    stopped: 'stopped',
    crashed: 'crashed',
    disabled: 'disabled',
  }[running.state] as RunState;
  return { state, reason: running.why };
}

/** One row of the Extensions view. */
export function extensionSummary(
  record: ExtensionRecord,
  run: { state: RunState; reason: string },
  resources: ResourceUse | null,
): ExtensionSummary {
  const m = record.current.manifest;
  return {
    id: record.id,
    name: short(m.name),
    version: short(m.version),
    publisher: short(m.publisher),
    description: cut(m.description ?? ''),
    state: run.state,
    stateReason: cut(run.reason),
    enabled: record.enabled,
    quarantine: record.quarantine
      ? { at: record.quarantine.at, reason: cut(record.quarantine.reason) }
      : null,
    signature: record.current.signature,
    pendingUpdate: record.pending ? { version: short(record.pending.version) } : null,
    previousVersion: record.previous ? short(record.previous.version) : null,
    resources: run.state === 'running' ? resources : null,
  };
}

/** A consent item as the contract carries it. */
export function consentItemView(item: ConsentItem): ConsentItemView {
  return {
    sentence: cut(item.sentence),
    risk: item.risk,
    grant: short(item.grant),
    optional: item.optional,
    rules: item.rules.slice(0, 64).map((r) => cut(r)),
    notes: item.notes.slice(0, 64).map((n) => cut(n)),
  };
}

/** The diff of an update, as the contract carries it. */
export function diffView(diff: PermissionDiff) {
  return {
    grants: diff.grants.map((g) => ({
      change: g.change,
      item: consentItemView(g.item),
      ...(g.before ? { before: consentItemView(g.before) } : {}),
      rules: g.rules.slice(0, 8192).map((r) => cut(r)),
    })),
    limits: diff.limits.map((l) => ({ ...l, limit: l.limit as string })),
    unchanged: diff.unchanged.slice(0, 16384).map((r) => cut(r)),
    needsConsent: diff.needsConsent,
  };
}

/**
 * Every grant of the manifest with its state: required grants granted or revoked; optional ones
 * allowed always (the effective policy holds them), allowed once (this run), denied always, or
 * asked when needed.
 */
export function grantViews(
  record: ExtensionRecord,
  effective: PolicyInput,
  allowedOnce: readonly string[],
  deniedAlways: readonly DeniedAlwaysEntry[],
): GrantView[] {
  const manifest = policyOfRecord(record);
  const ids = (section: GrantLine['section']) =>
    new Set(
      grantLines(effective)
        .filter((l) => l.section === section)
        .map(grantId),
    );
  const granted = ids('permissions');
  const askable = ids('optionalPermissions');
  const denied = new Set(deniedAlways.filter((d) => d.ext === record.id).flatMap((d) => d.rules));
  return grantLines(manifest).map((line: GrantLine) => {
    const item = consentItemView(grantItem(manifest, line));
    const rule = (line.section === 'optionalPermissions' ? 'optional ' : '') + line.rules[0]!;
    const id = grantId(line);
    let state: GrantView['state'];
    if (line.section === 'permissions') state = granted.has(id) ? 'granted' : 'revoked';
    else if (granted.has(id)) state = 'allowed-always';
    else if (!askable.has(id)) state = 'revoked';
    else if (line.rules.every((r) => denied.has(r))) state = 'denied-always';
    else if (allowedOnce.includes(line.label)) state = 'allowed-once';
    else state = 'ask';
    return { rule: cut(rule), item, state };
  });
}

/** The manifest's own policy (before the user's revocations and answers). */
export function policyOfRecord(record: ExtensionRecord): PolicyInput {
  const m = record.current.manifest;
  return {
    permissions: m.permissions ?? {},
    optionalPermissions: m.optionalPermissions ?? {},
    limits: m.limits ?? {},
  };
}

/** The limits above the defaults, in plain words. */
export function limitViews(record: ExtensionRecord): ConsentItemView[] {
  return summarizePermissions(policyOfRecord(record))
    .filter((i) => i.grant.startsWith('limits.'))
    .map(consentItemView);
}

/** A prepared install as the consent sheet shows it. */
export function stagedView(token: string, p: PreparedInstall): StagedInstall {
  const m = p.staged.extension.manifest;
  const summary = p.summary.map(consentItemView);
  return {
    token,
    id: p.id,
    name: short(m.name),
    version: short(p.version),
    publisher: short(m.publisher),
    description: cut(m.description ?? ''),
    signature: p.staged.signature,
    kind: p.kind,
    installedVersion: p.installed ? short(p.installed.current.version) : null,
    summary,
    overallRisk: overallRisk(p.summary),
    diff: p.diff ? diffView(p.diff) : null,
    needsConsent: p.needsConsent,
  };
}
