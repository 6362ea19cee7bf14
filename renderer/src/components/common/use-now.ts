// The time now, refreshed every `intervalMs` while `active`: for countdowns.
import { useEffect, useState } from 'react';

/** Date.now(), re-read on an interval while active. */
export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}
