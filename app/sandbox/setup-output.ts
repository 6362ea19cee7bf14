// Tells the helper's own words from the sandboxed program's output (issue 13). Both write to the
// same stdout and stderr, and a set-up failure ("corral-sandbox: rw …: No such file or
// directory") used to be shown as the extension's own stderr. Nothing runs in the sandbox before
// the helper's `layers` status line (set-up finished, just before exec), so every line printed
// before it is the helper's: those lines are held, passed on as output once `layers` arrives (the
// two pipes are read in no fixed order, so an early output line may be read first), and
// otherwise kept as the reason set-up failed, never shown as output.
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { lineSplitter, type HelperStatus } from './status.ts';

/** Lines held until `layers`: the helper writes one when set-up fails; more is a flood. */
const MAX_HELD = 1000;
/** The longest output line kept whole (a program that never prints a newline stays bounded). */
export const MAX_LINE_CHARS = 64 * 1024;

export interface SetupGate {
  /** Feed every status line of the helper here. */
  status(status: HelperStatus): void;
  /**
   * Why set-up failed: the helper's `error` status line, else what it printed before giving up
   * (once it has exited); null while set-up is fine or under way.
   */
  failure(): string | null;
  /** Call once the helper has exited. */
  end(): void;
}

/** Reads the child's stdout and stderr by lines; `output` gets only the sandboxed program's. */
export function gateSetupOutput(
  child: ChildProcess,
  output: (stream: 'stdout' | 'stderr', line: string) => void,
): SetupGate {
  let started = false;
  let ended = false;
  let error: string | null = null;
  const held: ['stdout' | 'stderr', string][] = [];
  let overflow = 0;
  for (const name of ['stdout', 'stderr'] as const) {
    const split = lineSplitter((text) => {
      if (started) return output(name, text);
      if (held.length < MAX_HELD) held.push([name, text]);
      else overflow++;
    }, MAX_LINE_CHARS);
    const stream = child[name] as Readable | null;
    stream?.on('data', (chunk: Buffer) => split.push(chunk));
    stream?.on('end', () => split.end());
  }
  return {
    status(status) {
      if (status.type === 'error') error = status.reason;
      if (status.type !== 'layers' || started) return;
      started = true;
      for (const [stream, text] of held.splice(0)) output(stream, text);
      // Never silently: a program that printed this much before its first status was read.
      if (overflow > 0) output('stderr', `(${overflow} more lines were cut while it started)`);
      overflow = 0;
    },
    failure() {
      if (error !== null) return error;
      if (!ended || started) return null;
      const said = held.map(([, text]) => text.replace(/^corral-sandbox: /, '')).join('; ');
      return said || null;
    },
    end() {
      ended = true;
    },
  };
}
