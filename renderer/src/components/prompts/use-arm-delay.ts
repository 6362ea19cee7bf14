// Answers that wake up only after a moment: a prompt's buttons ignore input for about a second
// after it appears and after the window comes back (focus, or the tab visible again), so that a
// click or key press meant for something else, or a page that pops a prompt under the pointer,
// cannot answer it (the clickjacking that interactive firewalls' users report).
import { useEffect, useState } from 'react';

export const ARM_DELAY_MS = 1000;

export interface ArmState {
  armed: boolean;
  /** Why the controls are inert: the prompt just appeared, or the window just came back. */
  reason: 'appeared' | 'returned';
}

/** Whether the controls may take input yet (the component mounts once per prompt). */
export function useArmDelay(delayMs: number = ARM_DELAY_MS): ArmState {
  const [state, setState] = useState<ArmState>({ armed: false, reason: 'appeared' });
  useEffect(() => {
    if (state.armed) return;
    const timer = setTimeout(() => setState((s) => ({ ...s, armed: true })), delayMs);
    return () => clearTimeout(timer);
  }, [state, delayMs]);
  useEffect(() => {
    const disarm = () => setState({ armed: false, reason: 'returned' });
    const onVisibility = () => {
      if (document.visibilityState === 'visible') disarm();
    };
    window.addEventListener('focus', disarm);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.removeEventListener('focus', disarm);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);
  return state;
}
