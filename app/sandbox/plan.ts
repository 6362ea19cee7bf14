// The sandbox plan: everything the helper needs to confine one process, as one validated object.
// The policy compiler and the launcher build it; wire.ts turns it into the helper's text format.
import * as z from 'zod';
import type { ResolvedLimits } from '../policy/limits.ts';

/** An absolute, normalised path that the helper's line format can carry (no newline, no NUL). */
export const absolutePathSchema = z
  .string()
  .min(1)
  .max(4095)
  .refine((p) => p.startsWith('/'), 'must be an absolute path')
  .refine((p) => !/[\n\0]/.test(p), 'must not contain a newline or NUL byte')
  .refine(
    (p) =>
      p === '/' ||
      p
        .split('/')
        .slice(1)
        .every((s) => s !== '' && s !== '.' && s !== '..'),
    'must be normalised (no empty, "." or ".." segments, no trailing slash)',
  );

export const mountSchema = z.object({
  /** Host path, bound at the same path inside the sandbox. */
  path: absolutePathSchema,
  access: z.enum(['ro', 'rw']),
});

export const symlinkSchema = z.object({
  /** Where the link appears inside the sandbox (no spaces: the line format splits on the first). */
  path: absolutePathSchema.refine((p) => !p.includes(' '), 'must not contain a space'),
  /** What it points to (as the host's own link does, e.g. "usr/lib" for /lib). */
  target: z
    .string()
    .min(1)
    .max(4095)
    .refine((t) => !/[\n\0]/.test(t), 'no newline or NUL'),
});

export const limitsSchema = z.object({
  memoryBytes: z.number().int().positive(),
  cpuPercent: z.number().int().min(1).max(10_000),
  pids: z.number().int().min(1).max(1_000_000),
  openFiles: z.number().int().min(8).max(1_048_576),
  fileSizeBytes: z.number().int().positive(),
  timeoutMs: z.number().int().positive(),
}) satisfies z.ZodType<ResolvedLimits>;

const envNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a valid variable name');
const envValueSchema = z.string().refine((v) => !/[\n\0]/.test(v), 'no newline or NUL');
const portSchema = z.number().int().min(1).max(65535);

/**
 * full: every namespace + Landlock + seccomp. reduced: Landlock (ABI 4 or later), seccomp and
 * rlimits on the host's own view, for machines without user namespaces (docs/platforms.md).
 */
export const sandboxModeSchema = z.enum(['full', 'reduced']);

export const sandboxPlanSchema = z
  .object({
    mode: sandboxModeSchema,
    /** Bind mounts (reduced: Landlock rules on the host's paths), parents before children. */
    mounts: z.array(mountSchema).max(64),
    /** Full mode only: the host's own links exist as they are in reduced mode. */
    symlinks: z.array(symlinkSchema).max(32),
    /** Files and folders beneath which execution is allowed (Landlock EXECUTE). */
    execPaths: z.array(absolutePathSchema).min(1).max(16),
    /**
     * The manifest's process.spawn. false: the command is one program, whose own execve is the
     * only one; every later one is refused and reported (the helper's `spawn no`).
     */
    spawn: z.boolean(),
    /**
     * What the command's stdio may be: 'caller' (the default) when it can be the caller's own
     * terminal, whose every changing ioctl the helper then refuses (TIOCEXCL, resize, flush, mode
     * changes...); 'pty' when the caller relays stdio through a pseudo-terminal of its own
     * (node-pty, filtering what the command writes), so that the command may drive that one.
     */
    terminal: z.enum(['caller', 'pty']).optional(),
    /** Private, empty, writable folders (a fresh tmpfs each); full mode only. */
    tmpfs: z.array(absolutePathSchema).max(8),
    cwd: absolutePathSchema,
    env: z.record(envNameSchema, envValueSchema),
    /** Descriptors (besides 0, 1, 2) handed to the command on purpose, e.g. 3 for the broker. */
    keepFds: z.array(z.number().int().min(3).max(1023)).max(8),
    /**
     * Full mode only: the helper listens on 127.0.0.1:port inside the sandbox's network namespace
     * and hands the listening socket to the caller, whose filtering proxy accepts on it; the
     * command may connect to that port and no other.
     */
    proxyListener: z.object({ port: portSchema }).optional(),
    limits: limitsSchema,
  })
  .superRefine((plan, ctx) => {
    if (plan.mode === 'reduced') {
      // The helper has no mount or network namespace to make these in.
      for (const key of ['tmpfs', 'symlinks'] as const) {
        if (plan[key].length > 0) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'not available in reduced mode' });
        }
      }
      if (plan.proxyListener) {
        ctx.addIssue({
          code: 'custom',
          path: ['proxyListener'],
          message: 'not available in reduced mode',
        });
      }
    }
  });

export type SandboxMode = z.infer<typeof sandboxModeSchema>;
export type SandboxPlan = z.infer<typeof sandboxPlanSchema>;
export type SandboxLimits = z.infer<typeof limitsSchema>;
