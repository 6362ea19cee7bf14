// What `corral run` says when an extension or its command fails: the one line, then, for an
// exception thrown by the command, its stack (from the error's data.exception), or, when the
// extension went away, why (app/runtime/exit-diagnosis.ts). Text from the extension is shown
// without control characters, so that it cannot drive the author's terminal.
import { commandErrorDataSchema } from '../protocol/command-error.ts';
import type { ExitWitness } from '../runtime/exit-diagnosis.ts';
import { ExtensionStartError } from '../runtime/extension-runner.ts';
import { PeerGone, RpcFailure } from '../runtime/rpc-peer.ts';

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
  const wentAway = error instanceof ExtensionStartError || error instanceof PeerGone;
  const diagnosis = wentAway ? witness.diagnose() : null;
  // "stopped unexpectedly (exit status 3)" already says what an exit alone would.
  const exitSaid = error instanceof PeerGone && error.exit !== undefined;
  // A refusal that names its own cause and fix ("… is not set …; fix: …") is not said twice.
  const saidAlready = diagnosis?.detail !== undefined && message.includes(diagnosis.detail);
  if (!diagnosis || (diagnosis.evidence === 'exit' && exitSaid) || saidAlready)
    return visible(message);
  return visible(`${message}: ${diagnosis.cause}; fix: ${diagnosis.fix}`);
}

/** Text without control characters (ESC, CSI, BEL…); tabs become spaces. */
function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
