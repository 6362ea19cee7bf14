// The extension manifest (corral.json) and policy files: one zod schema each as the source of
// truth (contracts §1), strict, with every error turned into a pointer, a sentence and a fix.
import * as z from 'zod';
import { closest, show, toPointer, type PolicyError } from './errors.ts';
import { parseHostPattern } from './host-names.ts';
import { parseJsonSource } from './json-source.ts';
import { checkGrantPath } from './variables.ts';
import { EXTENSION_ID_PATTERN } from './extension-id.ts';
import { migrateV0, isV0Document } from './migrate.ts';

export type { PolicyError } from './errors.ts';
export { formatPolicyError } from './errors.ts';

/** The manifest version this Corral writes and understands natively. */
export const CURRENT_MANIFEST_VERSION = 1;

/** A refinement whose issue carries its own fix (read back by issueToError). */
function refineWith<T>(check: (value: T) => { message: string; fix: string } | null) {
  return (value: T, ctx: z.RefinementCtx) => {
    const problem = check(value);
    if (problem)
      ctx.addIssue({ code: 'custom', message: problem.message, params: { fix: problem.fix } });
  };
}

export const fsGrantSchema = z.strictObject({
  path: z.string().superRefine(refineWith(checkGrantPath)),
  access: z.enum(['read', 'write']),
});

export const portSchema = z.number().int().min(1).max(65535);

export const netGrantSchema = z.strictObject({
  host: z.string().superRefine(
    refineWith((h: string) => {
      const r = parseHostPattern(h);
      return r.ok ? null : r;
    }),
  ),
  /** Default [443]. */
  ports: z.array(portSchema).min(1).max(64).optional(),
});

export const ipcChannelSchema = z
  .string()
  .max(128)
  .superRefine(
    refineWith((c: string) =>
      /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)*$/.test(c)
        ? null
        : {
            message: `"${c}" is not a channel name`,
            fix: 'use lower-case words joined by dots, e.g. "wordcount.updates"',
          },
    ),
  );

export const ipcGrantSchema = z.strictObject({
  channel: ipcChannelSchema,
  access: z.enum(['publish', 'subscribe', 'both']),
});

export const permissionsSchema = z.strictObject({
  fs: z.array(fsGrantSchema).max(64).optional(),
  net: z.array(netGrantSchema).max(64).optional(),
  ipc: z.array(ipcGrantSchema).max(64).optional(),
  process: z.strictObject({ spawn: z.boolean().optional() }).optional(),
});

/** Manifest limits; every one optional (defaults in limits.ts). */
export const limitsSchema = z.strictObject({
  memoryMB: z.number().int().min(1).max(1_048_576).optional(),
  cpuPercent: z.number().int().min(1).max(10_000).optional(),
  pids: z.number().int().min(1).max(1_000_000).optional(),
  openFiles: z.number().int().min(8).max(1_048_576).optional(),
  fileSizeMB: z.number().int().min(1).max(1_048_576).optional(),
  timeoutMs: z.number().int().min(1).max(2_147_483_647).optional(),
});

const wordSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/);

export { EXTENSION_ID_PATTERN };

export const manifestSchema = z
  .strictObject({
    manifestVersion: z.literal(CURRENT_MANIFEST_VERSION),
    id: z
      .string()
      .max(64)
      .superRefine(
        refineWith((id: string) =>
          EXTENSION_ID_PATTERN.test(id)
            ? null
            : {
                message: `"${id}" is not an extension id`,
                fix: 'write "publisher.name" in lower-case letters, digits and "-", e.g. "acme.word-count"',
              },
        ),
      ),
    name: z.string().min(1).max(100),
    version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/),
    publisher: wordSchema.max(63),
    description: z.string().max(1000).optional(),
    runtime: z.enum(['node', 'python', 'exec']),
    main: z.string().superRefine(refineWith(checkMainPath)),
    permissions: permissionsSchema.optional(),
    optionalPermissions: permissionsSchema.optional(),
    limits: limitsSchema.optional(),
    contributes: z
      .strictObject({
        commands: z
          .array(
            z.strictObject({
              id: z
                .string()
                .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/)
                .max(128),
              title: z.string().min(1).max(200),
            }),
          )
          .max(256)
          .optional(),
      })
      .optional(),
  })
  .superRefine((m, ctx) => {
    if (m.id.includes('.') && m.id.split('.')[0] !== m.publisher)
      ctx.addIssue({
        code: 'custom',
        path: ['id'],
        message: `"${m.id}" does not start with the publisher "${m.publisher}"`,
        params: { fix: `write "${m.publisher}.${m.id.split('.').slice(1).join('.')}"` },
      });
  });

/** What `corral exec --policy FILE` accepts besides a full manifest. */
export const policyFragmentSchema = z.strictObject({
  permissions: permissionsSchema.optional(),
  optionalPermissions: permissionsSchema.optional(),
  limits: limitsSchema.optional(),
});

/** A policy file: a full manifest, or only `permissions`, `optionalPermissions` and/or `limits`. */
export const policyFileSchema = z.union([manifestSchema, policyFragmentSchema]);

export type Manifest = z.infer<typeof manifestSchema>;
export type Permissions = z.infer<typeof permissionsSchema>;
export type ManifestLimits = z.infer<typeof limitsSchema>;
export type PolicyFragment = z.infer<typeof policyFragmentSchema>;
export type FsGrant = z.infer<typeof fsGrantSchema>;
export type NetGrant = z.infer<typeof netGrantSchema>;
export type IpcGrant = z.infer<typeof ipcGrantSchema>;

/** The policy part of any document: what the compiler and the linter work on. */
export interface PolicyInput {
  permissions: Permissions;
  optionalPermissions: Permissions;
  limits: ManifestLimits;
}

interface ParsedDocument {
  ok: true;
  policy: PolicyInput;
  /** Older-version migrations and similar, to show as warnings. */
  notices: PolicyError[];
  /** JSON pointer → 1-based line of the value in the text (absent for validatePolicyValue). */
  lines?: ReadonlyMap<string, number>;
}

export type PolicyDocument =
  | (ParsedDocument & { kind: 'manifest'; value: Manifest })
  | (ParsedDocument & { kind: 'policy'; value: PolicyFragment })
  | { ok: false; errors: PolicyError[] };

const MANIFEST_KEYS = ['manifestVersion', 'id', 'name', 'version', 'publisher', 'runtime', 'main'];

/**
 * Parses a manifest or policy file from its text. `source` names the file in messages. Older
 * manifest versions are migrated (with a notice); anything invalid is an error, never ignored.
 */
export function parsePolicyDocument(text: string, source: string): PolicyDocument {
  void source; // messages are formatted by formatPolicyError(source, …)
  const json = parseJsonSource(text);
  if (!json.ok) return { ok: false, errors: [json.error] };
  const doc = validatePolicyValue(json.value);
  return doc.ok ? { ...doc, lines: json.lines } : doc;
}

/** parsePolicyDocument for an already-parsed JSON value. */
export function validatePolicyValue(value: unknown): PolicyDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      ok: false,
      errors: [
        {
          pointer: '',
          message: `expected a JSON object, got ${kindOf(value)}`,
          fix: 'write a manifest object { "manifestVersion": 1, … }',
        },
      ],
    };
  const record = value as Record<string, unknown>;
  const isManifest = MANIFEST_KEYS.some((k) => k in record);
  if (!isManifest) {
    const r = policyFragmentSchema.safeParse(record, { reportInput: true });
    if (!r.success)
      return { ok: false, errors: issuesToErrors(r.error.issues, policyFragmentSchema) };
    return { ok: true, kind: 'policy', value: r.data, policy: policyOf(r.data), notices: [] };
  }
  const notices: PolicyError[] = [];
  let candidate: unknown = record;
  let mapPointer = (pointer: string) => pointer;
  if (isV0Document(record)) {
    const migrated = migrateV0(record);
    if (!migrated.ok) return migrated;
    candidate = migrated.value;
    mapPointer = migrated.mapPointer;
    notices.push(migrated.notice);
  } else if (
    typeof record.manifestVersion === 'number' &&
    record.manifestVersion > CURRENT_MANIFEST_VERSION
  ) {
    return {
      ok: false,
      errors: [
        {
          pointer: '/manifestVersion',
          message: `manifestVersion ${record.manifestVersion} is newer than this Corral understands (${CURRENT_MANIFEST_VERSION})`,
          fix: 'update Corral, or write the manifest for version 1',
        },
      ],
    };
  }
  const r = manifestSchema.safeParse(candidate, { reportInput: true });
  if (!r.success)
    return {
      ok: false,
      errors: issuesToErrors(r.error.issues, manifestSchema).map((e) => ({
        ...e,
        pointer: mapPointer(e.pointer),
      })),
    };
  return { ok: true, kind: 'manifest', value: r.data, policy: policyOf(r.data), notices };
}

/** The permissions, optional permissions and limits of a manifest or fragment, with empty defaults. */
export function policyOf(doc: PolicyFragment): PolicyInput {
  return {
    permissions: doc.permissions ?? {},
    optionalPermissions: doc.optionalPermissions ?? {},
    limits: doc.limits ?? {},
  };
}

// ---- zod issues → PolicyError --------------------------------------------------------------

const EXAMPLES: Record<string, string> = {
  manifestVersion: '1',
  id: '"acme.word-count"',
  name: '"Word Count"',
  version: '"1.0.0"',
  publisher: '"acme"',
  runtime: '"node"',
  main: '"dist/index.js"',
  path: '"${workspace}"',
  access: '"read"',
  host: '"api.example.com"',
  channel: '"myext.events"',
  title: '"Run"',
};

/** Turns zod issues into PolicyErrors with pointers, "expected …, got …" and a fix. */
export function issuesToErrors(
  issues: readonly z.core.$ZodIssue[],
  root: z.ZodType,
): PolicyError[] {
  return issues.map((issue) => issueToError(issue, root));
}

function issueToError(issue: z.core.$ZodIssue, root: z.ZodType): PolicyError {
  const pointer = toPointer(issue.path);
  const key = String(issue.path[issue.path.length - 1] ?? '');
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(root, issue.path);
      const name = issue.keys[0]!;
      const guess = closest(name, known);
      return {
        pointer: toPointer([...issue.path, name]),
        message: `unknown key ${show(name)}${issue.keys.length > 1 ? ` (and ${issue.keys.slice(1).map(show).join(', ')})` : ''}`,
        fix: guess
          ? `did you mean ${show(guess)}?`
          : known.length
            ? `remove it; allowed keys here: ${known.join(', ')}`
            : 'remove it',
      };
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => show(v)).join(' or ');
      if (input === undefined)
        return {
          pointer,
          message: `missing; expected ${options}`,
          fix: `add ${show(key)}: ${options.split(' or ')[0]}`,
        };
      return { pointer, message: `expected ${options}, got ${show(input)}`, fix: `use ${options}` };
    }
    case 'invalid_type': {
      if (input === undefined)
        return {
          pointer,
          message: `missing; expected ${article(issue.expected)}`,
          fix: `add ${show(key)}${EXAMPLES[key] ? `: ${EXAMPLES[key]}` : ''}`,
        };
      return {
        pointer,
        message: `expected ${article(issue.expected)}, got ${kindOf(input)} ${show(input)}`,
        fix: `write ${article(issue.expected)}${EXAMPLES[key] ? ` such as ${EXAMPLES[key]}` : ''}`,
      };
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const what =
        issue.origin === 'array'
          ? `${bound} entries`
          : issue.origin === 'string'
            ? `${bound} characters`
            : String(bound);
      const got = Array.isArray(input)
        ? `${input.length} entries`
        : typeof input === 'string'
          ? `${input.length} characters`
          : show(input);
      return {
        pointer,
        message: `expected ${word} ${what}, got ${got}`,
        fix: `use ${word} ${what}`,
      };
    }
    case 'invalid_format':
      return {
        pointer,
        message: `${show(input)} is not a valid ${key || 'value'}`,
        fix: EXAMPLES[key]
          ? `write it like ${EXAMPLES[key]}`
          : `match ${issue.format === 'regex' ? (issue as { pattern?: string }).pattern : issue.format}`,
      };
    case 'custom': {
      const fix = (issue.params as { fix?: string } | undefined)?.fix ?? 'correct the value';
      return { pointer, message: issue.message, fix };
    }
    default:
      return { pointer, message: issue.message, fix: 'correct the value (see docs/policy.md)' };
  }
}

function article(expected: string): string {
  if (expected === 'int') return 'a whole number';
  if (expected === 'object') return 'an object';
  if (expected === 'array') return 'an array';
  if (expected === 'boolean') return 'true or false';
  return `a ${expected}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'the number';
  return `the ${typeof value}`;
}

/** The keys a strict object at `path` allows, found by walking the schema. */
function knownKeys(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType | undefined = root;
  const unwrap = (s: z.ZodType): z.ZodType => {
    let cur = s;
    for (let i = 0; i < 8; i++) {
      const def = (
        cur as unknown as { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } }
      ).def;
      if (
        (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') &&
        def.innerType
      )
        cur = def.innerType;
      else if (def.type === 'pipe' && def.in) cur = def.in;
      else break;
    }
    return cur;
  };
  for (const segment of path) {
    if (!schema) return [];
    const s = unwrap(schema) as unknown as {
      def: { type: string };
      shape?: Record<string, z.ZodType>;
      element?: z.ZodType;
    };
    schema =
      s.def.type === 'object'
        ? s.shape?.[String(segment)]
        : s.def.type === 'array'
          ? s.element
          : undefined;
  }
  if (!schema) return [];
  const s = unwrap(schema) as unknown as {
    def: { type: string };
    shape?: Record<string, z.ZodType>;
  };
  return s.def.type === 'object' && s.shape ? Object.keys(s.shape) : [];
}

function checkMainPath(main: string): { message: string; fix: string } | null {
  if (main.length === 0)
    return { message: 'main is empty', fix: 'write the entry file, e.g. "dist/index.js"' };
  if (main.startsWith('/') || main.includes('\\') || /[\0\n]/.test(main))
    return {
      message: `"${main}" is not a path inside the package`,
      fix: 'write a relative path with "/", e.g. "dist/index.js"',
    };
  if (main.split('/').some((s) => s === '..' || s === ''))
    return {
      message: `"${main}" leaves the package or has an empty segment`,
      fix: 'write a path inside the package, e.g. "dist/index.js"',
    };
  return null;
}
