// The one structured logger for the host's own faults: one JSON line on stderr per entry, for
// whoever debugs the host. What a person reads is a sentence elsewhere; this is the detail.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  level: LogLevel;
  /** Which part of the host: "rpc-peer", "net-proxy", "host-service", "serve". */
  component: string;
  /** What it was doing. */
  context: string;
  error?: unknown;
  [field: string]: unknown;
}

type Writer = (line: string) => void;

let write: Writer = (line) => void process.stderr.write(line);

/** Writes one entry as a JSON line (an Error becomes its stack). */
export function logEntry(entry: LogEntry): void {
  const { error, ...rest } = entry;
  const line: Record<string, unknown> = { ts: new Date().toISOString(), ...rest };
  if (error !== undefined)
    line.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
  write(JSON.stringify(line) + '\n');
}

/** Sends the log elsewhere (a test that reads it, a file); returns the previous writer. */
export function setLogWriter(next: Writer): Writer {
  const previous = write;
  write = next;
  return previous;
}
