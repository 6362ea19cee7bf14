// Parses the helper's status lines (docs/sandbox-wire-format.md) into typed events.

export type HelperStatus =
  | { type: 'layers'; layers: string[] }
  | { type: 'deny'; syscall: string }
  | { type: 'lost'; count: number }
  | {
      type: 'limit';
      /** cpu: `throttled` (held to its rate by the cgroup) or killed at its budget (no detail). */
      limit: 'timeout' | 'cpu' | 'fsize' | 'memory' | 'pids';
      detail: string;
    }
  | { type: 'exit'; code: number | null; signal: number | null }
  | { type: 'error'; reason: string }
  | { type: 'unknown'; line: string };

const LIMITS = new Set(['timeout', 'cpu', 'fsize', 'memory', 'pids']);

/** One status line → one event; anything unexpected is kept as `unknown`, never dropped. */
export function parseStatusLine(line: string): HelperStatus {
  const [word = '', ...rest] = line.split(' ');
  const arg = rest.join(' ');
  switch (word) {
    case 'layers':
      return { type: 'layers', layers: arg.split(',').filter(Boolean) };
    case 'deny':
      if (rest[0] === 'syscall' && rest[1]) return { type: 'deny', syscall: rest[1] };
      break;
    case 'lost':
      if (/^\d+$/.test(arg)) return { type: 'lost', count: Number(arg) };
      break;
    case 'limit':
      if (rest[0] && LIMITS.has(rest[0])) {
        return { type: 'limit', limit: rest[0] as 'timeout', detail: rest.slice(1).join(' ') };
      }
      break;
    case 'exit':
      if (rest[0] === 'code' && /^\d+$/.test(rest[1] ?? '')) {
        return { type: 'exit', code: Number(rest[1]), signal: null };
      }
      if (rest[0] === 'signal' && /^\d+$/.test(rest[1] ?? '')) {
        return { type: 'exit', code: null, signal: Number(rest[1]) };
      }
      break;
    case 'error':
      return { type: 'error', reason: arg };
  }
  return { type: 'unknown', line };
}

/**
 * Splits a byte or text stream into lines, keeping a partial last line until its newline arrives.
 * A line longer than `maxChars` keeps its first `maxChars` and says how much was cut, so a stream
 * that never sends a newline cannot grow the buffer without bound.
 */
export function lineSplitter(
  onLine: (line: string) => void,
  maxChars = Number.POSITIVE_INFINITY,
): {
  push(chunk: Buffer | string): void;
  end(): void;
} {
  let pending = '';
  let cut = 0; // characters dropped from the line under way
  const emit = (line: string) => {
    onLine(cut > 0 ? `${line} … (${cut} more characters cut)` : line);
    cut = 0;
  };
  return {
    push(chunk) {
      pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (cut > 0 || line.length > maxChars) {
          cut += Math.max(0, line.length - maxChars);
          emit(line.slice(0, maxChars));
        } else emit(line);
      }
      if (pending.length > maxChars) {
        // Keep the head of the line; count what goes until its newline arrives.
        cut += pending.length - maxChars;
        pending = pending.slice(0, maxChars);
      }
    },
    end() {
      if (pending || cut > 0) emit(pending);
      pending = '';
    },
  };
}
