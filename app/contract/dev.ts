// A `corral dev` session as the app's debug view sees it: its state (reloads, lint errors, the
// relaxations in force), its inline log with the debug marks, its terminal, its question, and
// what a learning run proposes. The session itself lives in the host (app/service/dev/).
import * as z from 'zod';
import { extensionIdSchema, promptAnswerSchema, TEXT_MAX } from './entities.ts';

const text = z.string().max(TEXT_MAX);

export const devSessionIdSchema = z.string().regex(/^[a-z0-9]{8,32}$/, 'a dev session id');

export const devStateSchema = z.enum([
  'starting',
  'ready',
  'reloading',
  'lint-failed',
  'crashed',
  'stopped',
]);

/** One line of the session's inline log (what `corral dev` prints between the prompts). */
export const devLogLineSchema = z.strictObject({
  ts: z.string().max(40),
  kind: z.enum(['access', 'log', 'lifecycle', 'lint', 'reload', 'note']),
  text,
  /** The access happened only because debug mode relaxed production ("would be denied…"). */
  debug: z.boolean(),
  /** For accesses: the decision; for lint lines: error or warning. */
  level: z.enum(['allow', 'deny', 'error', 'warning', 'info']),
});

/** The session now. */
export const devSessionSchema = z.strictObject({
  id: devSessionIdSchema,
  /** The extension folder. */
  dir: text,
  extension: z
    .strictObject({ id: extensionIdSchema, name: text, version: z.string().max(64) })
    .nullable(),
  state: devStateSchema,
  /** Why it is in that state ("lint: 2 errors; the previous version keeps running"). */
  detail: text,
  reloads: z.number().int().nonnegative(),
  /** The lint errors that stopped the last reload (empty when it went through). */
  lintErrors: z.array(text).max(100),
  /** Every way this session differs from production, one line each, for the banner. */
  relaxations: z.array(text).max(32),
  learning: z.boolean(),
  commands: z.array(z.strictObject({ id: z.string().max(128), title: text })).max(256),
});

/** A permission question of the extension, waiting for the author. */
export const devQuestionSchema = z.strictObject({
  session: devSessionIdSchema,
  id: z.string().regex(/^[a-z0-9]{8,32}$/),
  question: text,
  target: text,
});

/** What a learning run proposes (app/service/dev/learning-run.ts). */
export const devProposalSchema = z.strictObject({
  /** Names this proposal: a yes is for the one the author saw, not whatever was learned since. */
  id: z.string().regex(/^[0-9a-f]{16}$/),
  /** What a yes writes: corral.json, and corral.rules when the folder keeps one. */
  files: z
    .array(z.enum(['corral.json', 'corral.rules']))
    .min(1)
    .max(2),
  /** The proposed corral.json, as it would be written. */
  manifest: z.string().max(256 * 1024),
  rules: z.array(text).max(1000),
  diff: z.array(text).max(1000),
  notes: z.array(text).max(200),
  /** The linter's findings on the proposal, one line each. */
  findings: z.array(text).max(200),
});

export const devAnswerSchema = promptAnswerSchema;

/** The most text of the extension's terminal in one onDevOutput event (the host sends more). */
export const DEV_OUTPUT_MAX = 64 * 1024;

/** What the app's debug view starts a session with (the options of `corral dev DIR`). */
export const devStartSchema = z.strictObject({
  /** The extension folder, a path on the host. */
  dir: z.string().min(1).max(4096),
  /** A real folder for ${workspace}; otherwise the mock one. */
  workspace: z.string().min(1).max(4096).optional(),
  net: z.enum(['deny', 'log', 'allow']).default('deny'),
  fixtures: z.string().min(1).max(4096).optional(),
  endpoints: z.string().min(1).max(4096).optional(),
  learn: z.boolean().default(false),
  cols: z.number().int().min(2).max(1000).default(80),
  rows: z.number().int().min(2).max(1000).default(24),
});

const bySession = { session: devSessionIdSchema };

/** Keys or text for the extension's terminal, as typed (Enter is "\r"). */
export const devInputSchema = z.strictObject({ ...bySession, data: z.string().min(1).max(4096) });

export const devResizeSchema = z.strictObject({
  ...bySession,
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(2).max(1000),
});

/** Text the extension's terminal printed, already through the terminal filter. */
export const devOutputSchema = z.strictObject({
  ...bySession,
  data: z.string().min(1).max(DEV_OUTPUT_MAX),
});

export type DevSessionView = z.infer<typeof devSessionSchema>;
export type DevLogLine = z.infer<typeof devLogLineSchema>;
export type DevState = z.infer<typeof devStateSchema>;
export type DevQuestion = z.infer<typeof devQuestionSchema>;
export type DevProposal = z.infer<typeof devProposalSchema>;
