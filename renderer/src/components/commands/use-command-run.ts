// Runs a command for the form the user filled (the palette, the Debug view): the arguments parsed
// first, so that a bad one never leaves, then the host's answer kept as the value or as the
// one-line refusal, with whether it is under way.
import { useState } from 'react';
import type { ContractResult } from '../../../../app/contract/index.ts';
import { parseArguments } from './command-arguments.ts';

/** The state of one command form and the function that runs it with the typed arguments. */
export function useCommandRun<T>() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [value, setValue] = useState<T | null>(null);
  const run = async (typed: string, send: (args: unknown[]) => Promise<ContractResult<T>>) => {
    setError(null);
    setValue(null);
    const parsed = parseArguments(typed);
    if ('error' in parsed) return setError(parsed.error);
    setPending(true);
    const result = await send(parsed.args);
    setPending(false);
    if (!result.ok) return setError(result.error.message);
    setValue(result.value);
  };
  return { pending, error, value, run };
}
