// Runs a store action for the control the user touched, and keeps its outcome there: whether it
// is under way (to disable the control) and the host's sentence when it failed.
import { useCallback, useState } from 'react';
import type { ActionError } from '../../store/slice.ts';

export interface HostAction<A extends unknown[]> {
  run: (...args: A) => Promise<ActionError>;
  pending: boolean;
  error: string | null;
  clearError: () => void;
}

/** Wraps `action` with its pending state and its last error. */
export function useHostAction<A extends unknown[]>(
  action: (...args: A) => Promise<ActionError>,
): HostAction<A> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (...args: A) => {
      setPending(true);
      setError(null);
      const failure = await action(...args);
      setPending(false);
      setError(failure);
      return failure;
    },
    [action],
  );
  const clearError = useCallback(() => setError(null), []);
  return { run, pending, error, clearError };
}
