// The `data` of the error an extension answers when one of its commands throws something other
// than a CorralError (a bug, not a refusal): the exception's type, message and stack, so that
// `corral run` can show the author where it happened (contracts §4 leaves `data` to each error).
import * as z from 'zod';

/** Caps, so that a runaway message or recursion cannot bloat the answer. */
export const EXCEPTION_CAPS = { type: 200, message: 4000, stack: 16_384, frames: 30 } as const;

export const exceptionSchema = z.strictObject({
  /** The exception's class: "TypeError", "KeyError". */
  type: z.string().min(1).max(EXCEPTION_CAPS.type),
  /** Its whole message (the error's own `message` is the first line). */
  message: z.string().max(EXCEPTION_CAPS.message),
  /** Where it was thrown, innermost frame first (Node) or last (Python), one frame per line. */
  stack: z.string().max(EXCEPTION_CAPS.stack).optional(),
});

/** `error.data` of a command that threw: `{exception}`; other keys are the extension's own. */
export const commandErrorDataSchema = z.looseObject({ exception: exceptionSchema });

export type ExceptionReport = z.infer<typeof exceptionSchema>;
