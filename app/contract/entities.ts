// The things the UI shows, as the host sends them: extensions, their grants, install consent,
// prompts, audit events, the dashboard, settings. One zod schema each; the types are inferred.
import * as z from 'zod';
import {
  auditEventSchema,
  auditKindSchema,
  auditLayerSchema,
  auditOutcomeSchema,
} from '../audit-event/event.ts';
import { EXTENSION_ID_PATTERN } from '../policy/extension-id.ts';

/** Caps on text that an extension supplies: the host cuts longer text before it crosses. */
export const TEXT_MAX = 4096;
export const SHORT_TEXT_MAX = 256;

const text = z.string().max(TEXT_MAX);
const shortText = z.string().max(SHORT_TEXT_MAX);
const isoTime = z.string().max(40);

export const extensionIdSchema = z
  .string()
  .max(64)
  .regex(EXTENSION_ID_PATTERN, 'an extension id, "publisher.name"');

export const riskSchema = z.enum(['low', 'medium', 'high']);

/** One thing an extension may do, in plain words (app/consent/summary.ts). */
export const consentItemSchema = z.strictObject({
  sentence: text,
  risk: riskSchema,
  /** "fs[0]", "optional net[1]", "process.spawn", "limits.memoryMB", or "" for the whole manifest. */
  grant: shortText,
  optional: z.boolean(),
  /** The rule lines it stands for ("read ${workspace}"). */
  rules: z.array(text).max(64),
  /** The linter's findings about it. */
  notes: z.array(text).max(64),
});

export const grantChangeSchema = z.strictObject({
  change: z.enum(['added', 'removed', 'widened', 'narrowed']),
  item: consentItemSchema,
  before: consentItemSchema.optional(),
  /** Exactly what it gains or loses, one rule line per path × access, host × port, … */
  rules: z.array(text).max(8192),
});

export const limitChangeSchema = z.strictObject({
  limit: shortText,
  from: z.number(),
  to: z.number(),
  raised: z.boolean(),
});

/** What an update changes against what the user consented to (app/consent/diff.ts). */
export const permissionDiffSchema = z.strictObject({
  grants: z.array(grantChangeSchema),
  limits: z.array(limitChangeSchema),
  /** The rule lines both versions grant alike. */
  unchanged: z.array(text).max(16384),
  needsConsent: z.boolean(),
});

export const signatureSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('signed'), keyId: shortText, publisher: shortText }),
  z.strictObject({ status: z.literal('unsigned') }),
  /** Signed with a key the user does not trust: it proves nothing. */
  z.strictObject({ status: z.literal('untrusted'), keyId: shortText }),
]);

/**
 * running: its sandbox answers; starting; stopped (enabled, not running: it starts on demand);
 * crashed (restarting after an unexpected exit); disabled (by the user, or after repeated
 * crashes); quarantined (stopped and flagged, files kept).
 */
export const runStateSchema = z.enum([
  'running',
  'starting',
  'stopped',
  'crashed',
  'disabled',
  'quarantined',
]);

export const resourceUseSchema = z.strictObject({
  cpuPercent: z.number().nonnegative(),
  rssBytes: z.number().int().nonnegative(),
  processes: z.number().int().nonnegative(),
  openFds: z.number().int().nonnegative(),
});

export const commandSchema = z.strictObject({
  extensionId: extensionIdSchema,
  extensionName: shortText,
  /** The command's id as its manifest declares it ("wordcount.count"). */
  command: z.string().max(128),
  title: shortText,
});

/** One line of the extension's own output or `log` notifications. */
export const extensionLogLineSchema = z.strictObject({
  ts: isoTime,
  /** `corral`: Corral's own line about the extension (output cut in a flood), not its words. */
  stream: z.enum(['stdout', 'stderr', 'log', 'corral']),
  level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  text,
});

/** A row of the Extensions view. */
export const extensionSummarySchema = z.strictObject({
  id: extensionIdSchema,
  name: shortText,
  version: shortText,
  publisher: shortText,
  description: text,
  state: runStateSchema,
  /** Why it is in that state, in a few words ("2 crashes within 60 s"). */
  stateReason: text,
  enabled: z.boolean(),
  quarantine: z.strictObject({ at: isoTime, reason: text }).nullable(),
  signature: signatureSchema,
  /** An update that waits for consent. */
  pendingUpdate: z.strictObject({ version: shortText }).nullable(),
  /** The version a rollback returns to. */
  previousVersion: shortText.nullable(),
  /** While it runs. */
  resources: resourceUseSchema.nullable(),
});

/**
 * One grant of an installed extension. granted / revoked for required grants; for optional ones
 * allowed-always, denied-always or ask (asked at run time); allowed-once lasts this run.
 */
export const grantViewSchema = z.strictObject({
  /** The canonical rule line that names it, as `grants.revoke` takes it. */
  rule: text,
  item: consentItemSchema,
  state: z.enum(['granted', 'revoked', 'allowed-always', 'allowed-once', 'denied-always', 'ask']),
});

/** The details view of one extension. */
export const extensionDetailsSchema = z.strictObject({
  summary: extensionSummarySchema,
  grants: z.array(grantViewSchema),
  commands: z.array(commandSchema),
  limits: z.array(consentItemSchema),
  recentLog: z.array(extensionLogLineSchema),
  recentEvents: z.array(auditEventSchema),
});

/** A package staged for install, waiting for the user's Install or Cancel. */
export const stagedInstallSchema = z.strictObject({
  /** Names this staged package in `extensions.install` and `extensions.cancelInstall`. */
  token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  id: extensionIdSchema,
  name: shortText,
  version: shortText,
  publisher: shortText,
  description: text,
  signature: signatureSchema,
  /** install: new; update: newer than the installed version; same: already installed as is. */
  kind: z.enum(['install', 'update', 'same']),
  installedVersion: shortText.nullable(),
  summary: z.array(consentItemSchema),
  overallRisk: riskSchema,
  diff: permissionDiffSchema.nullable(),
  needsConsent: z.boolean(),
});

/** An update that waits for Approve or Reject. */
export const pendingUpdateSchema = z.strictObject({
  id: extensionIdSchema,
  name: shortText,
  fromVersion: shortText,
  toVersion: shortText,
  diff: permissionDiffSchema,
  summary: z.array(consentItemSchema),
});

export const promptAnswerSchema = z.enum(['allow-once', 'allow-always', 'deny', 'deny-always']);

/** A permission question waiting for the user. */
export const promptSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  ext: extensionIdSchema,
  extName: shortText,
  /** One plain sentence: "Notes Sync wants to read files in your Downloads folder." */
  question: text,
  /** What it reaches, e.g. the path or host. */
  target: text,
  /** The rule lines an "always" answer would record. */
  rules: z.array(text).max(16),
  risk: riskSchema,
  /** Identical requests waiting on this prompt (coalesced). */
  waiting: z.number().int().positive(),
  createdAt: isoTime,
  /** When it counts as Deny; null once someone interacted with it (the countdown stopped). */
  deadline: isoTime.nullable(),
});

export const promptClosedSchema = z.strictObject({
  id: z.string(),
  ext: extensionIdSchema,
  /** answered (in any connected UI), timeout, cancelled (the request went away), stopped. */
  why: z.enum(['answered', 'timeout', 'cancelled', 'extension-stopped']),
  answer: promptAnswerSchema.optional(),
  /** A sentence for the UI that still shows it: "Answered in another window: Allow once". */
  message: text,
});

/** What the Access log asks for: the store's filter and a free-text match. */
export const auditQueryInputSchema = z.strictObject({
  ext: extensionIdSchema.optional(),
  layer: auditLayerSchema.optional(),
  kind: auditKindSchema.optional(),
  /** The policy's decision: `deny` lists policy refusals only (audit event version 2). */
  decision: z.enum(['allow', 'deny']).optional(),
  /** How it came out: ok, failed, crashed, timeout, limit, alert. */
  outcome: auditOutcomeSchema.optional(),
  /** Matched, case-insensitively, against op, target and reason. */
  text: z.string().max(200).optional(),
  /** Events with a smaller seq: the next page back. */
  beforeSeq: z.number().int().nonnegative().optional(),
  /** Events with a larger seq: catching up after a pause. */
  afterSeq: z.number().int().min(-1).optional(),
  limit: z.number().int().min(1).max(10_000).default(500),
});

export const auditPageSchema = z.strictObject({
  events: z.array(auditEventSchema),
  /** The newest seq in the store when the page was read: the live stream continues from it. */
  headSeq: z.number().int().min(-1),
  /** More, older events match. */
  more: z.boolean(),
});

export const alertSchema = z.strictObject({
  seq: z.number().int().nonnegative(),
  ts: isoTime,
  ext: shortText,
  /** denial-burst, first-seen-access, sustained-cpu. */
  rule: shortText,
  message: text,
});

/** Denials per extension per minute, for the dashboard's chart. */
export const denialSeriesSchema = z.strictObject({
  ext: shortText,
  /** Minute starts (ISO) and the denials in each. */
  points: z.array(z.strictObject({ t: isoTime, denials: z.number().int().nonnegative() })),
});

export const sandboxLayerSchema = z.strictObject({
  layer: shortText,
  ok: z.boolean(),
  role: text,
  detail: text,
  hint: text.optional(),
});

/** `corral doctor`, for the UI: the mode this machine allows and why. */
export const doctorReportSchema = z.strictObject({
  mode: z.enum(['full', 'reduced', 'refused']),
  summary: text,
  layers: z.array(sandboxLayerSchema),
  degradations: z.array(text),
  remedies: z.array(text),
  /** Which memory accounting is in force ("cgroup v1 memory", "rlimits only", …). */
  memoryLayer: text.optional(),
});

export const dashboardSchema = z.strictObject({
  denials: z.array(denialSeriesSchema),
  alerts: z.array(alertSchema),
  resources: z.array(z.strictObject({ id: extensionIdSchema, use: resourceUseSchema })),
  mode: doctorReportSchema,
});

export const trustedKeySchema = z.strictObject({
  keyId: shortText,
  publisher: shortText,
  addedAt: isoTime,
});

export const deniedAlwaysSchema = z.strictObject({
  ext: extensionIdSchema,
  rule: text,
  sentence: text,
  at: isoTime,
});

export const settingsSchema = z.strictObject({
  requireSignatures: z.boolean(),
  /** How long a prompt waits before it counts as Deny. */
  promptTimeoutSeconds: z.number().int().min(10).max(600),
  /** Audit events older than this are removed (0: kept forever). */
  auditRetentionDays: z.number().int().min(0).max(3650),
  /** Keep extensions running when the window closes (desktop app). */
  keepRunningInBackground: z.boolean(),
});

export type ConsentItemView = z.infer<typeof consentItemSchema>;
export type PermissionDiffView = z.infer<typeof permissionDiffSchema>;
export type RunState = z.infer<typeof runStateSchema>;
export type ResourceUse = z.infer<typeof resourceUseSchema>;
export type CommandView = z.infer<typeof commandSchema>;
export type ExtensionLogLine = z.infer<typeof extensionLogLineSchema>;
export type ExtensionSummary = z.infer<typeof extensionSummarySchema>;
export type GrantView = z.infer<typeof grantViewSchema>;
export type ExtensionDetails = z.infer<typeof extensionDetailsSchema>;
export type StagedInstall = z.infer<typeof stagedInstallSchema>;
export type PendingUpdate = z.infer<typeof pendingUpdateSchema>;
export type PromptAnswerView = z.infer<typeof promptAnswerSchema>;
export type PromptView = z.infer<typeof promptSchema>;
export type PromptClosed = z.infer<typeof promptClosedSchema>;
export type AuditQueryInput = z.input<typeof auditQueryInputSchema>;
export type AuditPage = z.infer<typeof auditPageSchema>;
export type AlertView = z.infer<typeof alertSchema>;
export type DenialSeries = z.infer<typeof denialSeriesSchema>;
export type DoctorReportView = z.infer<typeof doctorReportSchema>;
export type Dashboard = z.infer<typeof dashboardSchema>;
export type TrustedKeyView = z.infer<typeof trustedKeySchema>;
export type DeniedAlways = z.infer<typeof deniedAlwaysSchema>;
export type Settings = z.infer<typeof settingsSchema>;
