// Every request the UI may make of the host: its name (`domain.verb`), its input and its output.
// The host parses each input with this table before it acts; the UI parses each output before it
// shows it. A change here is a contract change: bump CONTRACT_VERSION and the surface snapshot.
import * as z from 'zod';
import { auditEventSchema } from '../audit-event/event.ts';
import {
  auditPageSchema,
  auditQueryInputSchema,
  commandSchema,
  dashboardSchema,
  deniedAlwaysSchema,
  doctorReportSchema,
  extensionDetailsSchema,
  extensionIdSchema,
  extensionSummarySchema,
  pendingUpdateSchema,
  promptAnswerSchema,
  promptSchema,
  settingsSchema,
  stagedInstallSchema,
  trustedKeySchema,
} from './entities.ts';
import {
  devAnswerSchema,
  devInputSchema,
  devProposalSchema,
  devQuestionSchema,
  devResizeSchema,
  devSessionIdSchema,
  devSessionSchema,
  devStartSchema,
} from './dev.ts';

/**
 * The most bytes of a package uploaded through the browser (base64 adds a third on the wire):
 * the manager refuses larger archives anyway (app/package/package-caps.ts).
 */
export const UPLOAD_MAX_BYTES = 64 * 1024 * 1024;

const none = z.strictObject({});
const byId = z.strictObject({ id: extensionIdSchema });
const stagedToken = z.strictObject({ token: stagedInstallSchema.shape.token });

/** Where a package to install comes from: a path the host can read, or bytes the user uploaded. */
export const packageSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('path'), path: z.string().min(1).max(4096) }),
  z.strictObject({
    kind: z.literal('upload'),
    /** The file's name, for its format (.tgz, .tar.gz, .zip). */
    name: z
      .string()
      .min(1)
      .max(255)
      .regex(/\.(tgz|tar\.gz|tar|zip)$/i, 'a .tgz, .tar.gz, .tar or .zip file'),
    base64: z
      .string()
      .max(Math.ceil(UPLOAD_MAX_BYTES / 3) * 4)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
  }),
]);

const method = <I extends z.ZodType, O extends z.ZodType>(
  summary: string,
  input: I,
  output: O,
) => ({
  summary,
  input,
  output,
});

export const methods = {
  'session.hello': method(
    'The contract version both sides speak, and the host this UI talks to.',
    z.strictObject({ contractVersion: z.number().int().positive() }),
    z.strictObject({
      contractVersion: z.number().int().positive(),
      hostVersion: z.string(),
      /** serve (a browser tab) or electron (the desktop window). */
      shell: z.enum(['serve', 'electron']),
    }),
  ),

  'extensions.list': method(
    'Every installed extension with its state.',
    none,
    z.array(extensionSummarySchema),
  ),
  'extensions.get': method(
    'One extension: grants, commands, limits, its recent log and audit events.',
    byId,
    extensionDetailsSchema,
  ),
  'extensions.stage': method(
    'Reads and checks a package and says what it asks for; installs nothing.',
    z.strictObject({ source: packageSourceSchema }),
    stagedInstallSchema,
  ),
  'extensions.choosePackage': method(
    "Shows the desktop's own file dialog and stages the chosen package (null: the user cancelled). Only the desktop window has a dialog; a browser tab uploads the file with extensions.stage.",
    none,
    stagedInstallSchema.nullable(),
  ),
  'extensions.install': method(
    "Installs a staged package: the user's click on Install is the consent.",
    z.strictObject({ token: stagedInstallSchema.shape.token, consent: z.literal(true) }),
    extensionSummarySchema,
  ),
  'extensions.cancelInstall': method('Discards a staged package.', stagedToken, none),
  'extensions.pendingUpdate': method(
    'An update waiting for consent, with its permission diff.',
    byId,
    pendingUpdateSchema,
  ),
  'extensions.approveUpdate': method(
    'Approves (or rejects) the update waiting for consent.',
    z.strictObject({ id: extensionIdSchema, version: z.string().max(64), approve: z.boolean() }),
    extensionSummarySchema,
  ),
  'extensions.enable': method(
    'Lets an extension run again (and, when asked, lifts its quarantine).',
    z.strictObject({ id: extensionIdSchema, liftQuarantine: z.boolean().default(false) }),
    extensionSummarySchema,
  ),
  'extensions.disable': method(
    'Stops an extension and keeps it from running.',
    byId,
    extensionSummarySchema,
  ),
  'extensions.start': method('Starts an enabled extension now.', byId, extensionSummarySchema),
  'extensions.stop': method(
    'Stops a running extension (it may start again on demand).',
    byId,
    extensionSummarySchema,
  ),
  'extensions.restart': method('Stops, then starts an extension.', byId, extensionSummarySchema),
  'extensions.quarantine': method(
    'Stops, disables and flags an extension; its files are kept for inspection.',
    z.strictObject({ id: extensionIdSchema, reason: z.string().min(1).max(500) }),
    extensionSummarySchema,
  ),
  'extensions.uninstall': method(
    'Removes an extension, and its data unless kept.',
    z.strictObject({ id: extensionIdSchema, keepData: z.boolean() }),
    none,
  ),
  'extensions.rollback': method(
    'Returns to the version before the last update.',
    byId,
    extensionSummarySchema,
  ),

  'grants.revoke': method(
    'Takes one grant away; a running extension feels it on its next request.',
    z.strictObject({ id: extensionIdSchema, rule: z.string().min(1).max(4096) }),
    extensionDetailsSchema,
  ),
  'grants.restore': method(
    'Gives back a revoked grant (from the next start).',
    z.strictObject({ id: extensionIdSchema, rule: z.string().min(1).max(4096) }),
    extensionDetailsSchema,
  ),
  'grants.listDeniedAlways': method(
    'The "Deny always" answers, which stop the questions they answered.',
    none,
    z.array(deniedAlwaysSchema),
  ),
  'grants.resetDeniedAlways': method(
    'Forgets one "Deny always" answer: the extension may ask again.',
    z.strictObject({ ext: extensionIdSchema, rule: z.string().min(1).max(4096) }),
    z.array(deniedAlwaysSchema),
  ),

  'prompts.list': method('The questions waiting for an answer.', none, z.array(promptSchema)),
  'prompts.answer': method(
    'Answers a question; every connected UI closes it.',
    z.strictObject({ id: promptSchema.shape.id, answer: promptAnswerSchema }),
    none,
  ),
  'prompts.hold': method(
    'The user is looking at the question: stop its countdown.',
    z.strictObject({ id: promptSchema.shape.id }),
    none,
  ),

  'audit.query': method(
    'One page of the audit log, newest first.',
    auditQueryInputSchema,
    auditPageSchema,
  ),
  'audit.export': method(
    "The events matching a filter, in the store's own CSV or JSON-lines export.",
    z.strictObject({
      filter: auditQueryInputSchema.omit({ beforeSeq: true, afterSeq: true, limit: true }),
      format: z.enum(['csv', 'jsonl']),
    }),
    z.strictObject({
      fileName: z.string(),
      mimeType: z.string(),
      content: z.string(),
      events: z.number().int().nonnegative(),
      /** The export stopped at the cap; narrow the filter for the rest. */
      truncated: z.boolean(),
    }),
  ),
  'audit.event': method(
    'One event by its seq, for the detail panel.',
    z.strictObject({ seq: z.number().int().nonnegative() }),
    auditEventSchema,
  ),

  'commands.list': method(
    'The commands that enabled extensions contribute.',
    none,
    z.array(commandSchema),
  ),
  'commands.run': method(
    'Runs a command (starting its extension if needed) and returns its result.',
    z.strictObject({
      extensionId: extensionIdSchema,
      command: z.string().min(1).max(128),
      args: z.array(z.unknown()).max(64).default([]),
    }),
    z.strictObject({ result: z.unknown(), durationMs: z.number().nonnegative() }),
  ),

  'dashboard.get': method(
    'Denials over time, resource use, alerts and the sandbox mode.',
    z.strictObject({
      minutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .default(60),
    }),
    dashboardSchema,
  ),
  'doctor.report': method(
    'Which isolation layers this machine offers and which the sandbox uses.',
    none,
    doctorReportSchema,
  ),

  'settings.get': method('The settings.', none, settingsSchema),
  'settings.set': method(
    'Changes some settings.',
    settingsSchema.partial().strict(),
    settingsSchema,
  ),

  'dev.start': method(
    "Starts a debug session (corral dev): an extension folder in production's sandbox, with the relaxations asked for, on a terminal of its own.",
    devStartSchema,
    devSessionSchema,
  ),
  'dev.list': method('The debug sessions of this host.', none, z.array(devSessionSchema)),
  'dev.stop': method(
    'Stops a debug session and removes its mock folders.',
    z.strictObject({ session: devSessionIdSchema }),
    none,
  ),
  'dev.input': method(
    "Types into the extension's terminal (the sandbox still applies).",
    devInputSchema,
    none,
  ),
  'dev.resize': method("Sets the extension's terminal size.", devResizeSchema, none),
  'dev.reload': method(
    'Lints the folder again and restarts the extension when it is clean.',
    z.strictObject({ session: devSessionIdSchema }),
    devSessionSchema,
  ),
  'dev.run': method(
    "Runs one of the session's extension commands.",
    z.strictObject({
      session: devSessionIdSchema,
      command: z.string().min(1).max(128),
      args: z.array(z.unknown()).max(64).default([]),
    }),
    z.strictObject({ result: z.unknown() }),
  ),
  'dev.answer': method(
    "Answers the extension's question in a debug session.",
    z.strictObject({
      session: devSessionIdSchema,
      id: devQuestionSchema.shape.id,
      answer: devAnswerSchema,
    }),
    none,
  ),
  'dev.proposal': method(
    'What a learning run (learn: true) proposes now: the manifest, a diff, rules lines and lint findings.',
    z.strictObject({ session: devSessionIdSchema }),
    devProposalSchema,
  ),
  'dev.writeProposal': method(
    "Writes the proposal the author saw (by its id) into the extension's folder: the author's yes.",
    z.strictObject({ session: devSessionIdSchema, id: devProposalSchema.shape.id }),
    z.strictObject({ files: z.array(z.string().max(4096)).max(2) }),
  ),

  'trust.list': method('Trusted publisher keys.', none, z.array(trustedKeySchema)),
  'trust.add': method(
    'Trusts a publisher key (SPKI PEM, ed25519) for one publisher.',
    z.strictObject({
      publisher: z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]*$/)
        .max(63),
      publicKeyPem: z.string().min(1).max(4096),
    }),
    z.array(trustedKeySchema),
  ),
  'trust.remove': method(
    'Stops trusting a key.',
    z.strictObject({ keyId: z.string().min(4).max(64) }),
    z.array(trustedKeySchema),
  ),
};

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller passes (defaults may be left out). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What the host receives after parsing (defaults filled in). */
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
