// Time an extension spends waiting for the user does not count against its own time limits: while
// any of its permission questions is open, the timers of its calls (limits.timeoutMs per command,
// the start-up limit) stand still, and run on from where they stopped once the last one is
// answered (issue 13: a question not yet answered was cut off by the 30 s command timeout although
// questions wait 60 s). A question still ends after PROMPT_TIMEOUT_MS, so the pause is bounded per
// question.
import type { PermissionPrompt, PromptAnswer, PromptOutcome, PromptService } from './prompts.ts';

/** A timer that fires once after `ms` of running time; cancel() stops it for good. */
export interface CallTimer {
  cancel(): void;
}

/** Starts a call timer; RpcPeer takes one of these for its call timeouts. */
export type StartTimer = (ms: number, fire: () => void) => CallTimer;

/** setTimeout as a StartTimer: wall-clock time, never paused. */
export const wallClockTimer: StartTimer = (ms, fire) => {
  const handle = setTimeout(fire, ms);
  return { cancel: () => clearTimeout(handle) };
};

interface Pausable {
  pause(now: number): void;
  resume(): void;
}

/** The questions of one extension that wait for the user, and the timers they stop. */
export class UserWait {
  private open = 0;
  private readonly timers = new Set<Pausable>();

  /** True while a question waits for the user. */
  get waiting(): boolean {
    return this.open > 0;
  }

  /**
   * `service` with every question counted as waiting from the moment it is asked (queued behind
   * another one included) until it is answered or given up (its signal aborts).
   */
  wrap(service: PromptService): PromptService {
    return {
      ask: (
        prompt: PermissionPrompt,
        signal: AbortSignal,
      ): Promise<PromptAnswer | PromptOutcome> => {
        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          signal.removeEventListener('abort', end);
          this.end();
        };
        this.begin();
        // A service that never settles still ends the wait when the question times out.
        signal.addEventListener('abort', end);
        let asked: Promise<PromptAnswer | PromptOutcome>;
        try {
          asked = service.ask(prompt, signal);
        } catch (e) {
          end();
          return Promise.reject(e as Error);
        }
        return asked.finally(end);
      },
    };
  }

  /** A StartTimer whose timers stand still while a question waits for the user. */
  readonly timer: StartTimer = (ms, fire) => {
    let remaining = ms;
    let startedAt = 0;
    let handle: NodeJS.Timeout | null = null;
    const timer: Pausable & CallTimer = {
      pause: (now) => {
        if (!handle) return;
        clearTimeout(handle);
        handle = null;
        remaining = Math.max(0, remaining - (now - startedAt));
      },
      resume: () => {
        if (handle) return;
        startedAt = performance.now();
        handle = setTimeout(() => {
          this.timers.delete(timer);
          fire();
        }, remaining);
      },
      cancel: () => {
        if (handle) clearTimeout(handle);
        handle = null;
        this.timers.delete(timer);
      },
    };
    this.timers.add(timer);
    if (this.open === 0) timer.resume();
    return timer;
  };

  private begin(): void {
    if (this.open++ > 0) return;
    const now = performance.now();
    for (const t of this.timers) t.pause(now);
  }

  private end(): void {
    if (--this.open > 0) return;
    for (const t of this.timers) t.resume();
  }
}
