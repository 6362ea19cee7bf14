// The one line for an extension that failed to start or went away, with why: its message and,
// when the exit witness (exit-diagnosis.ts) knows more, the cause and fix appended, each said
// once. `corral run` and `corral dev` (and through it the app's debug view) say the same line.
import type { ExitWitness } from './exit-diagnosis.ts';
import { ExtensionStartError } from './extension-runner.ts';
import { PeerGone } from './rpc-peer.ts';

/** `error`'s message, with the witness's cause and fix when the extension went away. */
export function explainFailure(error: unknown, witness: ExitWitness): string {
  const message = error instanceof Error ? error.message : String(error);
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
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
