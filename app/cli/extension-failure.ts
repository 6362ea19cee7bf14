// What `corral run` says when an extension or its command fails: the one line, then, for an
// exception thrown by the command, its stack (from the error's data.exception), or, when the
// extension went away, why (app/runtime/failure-cause.ts, which corral dev says too). Text from
// the extension is shown without control characters, so that it cannot drive the author's terminal.
import { commandErrorDataSchema } from '../protocol/command-error.ts';
import type { ExitWitness } from '../runtime/exit-diagnosis.ts';
import { explainFailure, visible } from '../runtime/failure-cause.ts';
import { RpcFailure } from '../runtime/rpc-peer.ts';

/** How many of the exception's frames are shown. */
const SHOWN_FRAMES = 12;

/** The text for `error` (without the "corral run: " prefix); lines after the first are indented. */
export function failureText(error: unknown, witness: ExitWitness): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RpcFailure) {
    const data = commandErrorDataSchema.safeParse(error.data);
    if (data.success) {
      const frames = (data.data.exception.stack ?? '').split('\n').filter((l) => l.trim() !== '');
      // Python's frames are two lines each, the code indented under its place: keep that shape.
      const indent = Math.min(...frames.map((f) => /^ */.exec(f)![0].length));
      const shown = frames.slice(0, SHOWN_FRAMES).map((f) => `    ${visible(f.slice(indent))}`);
      if (frames.length > SHOWN_FRAMES) shown.push(`    … ${frames.length - SHOWN_FRAMES} more`);
      return [visible(message), ...shown].join('\n');
    }
  }
  return explainFailure(error, witness);
}
