// Asking the user about an optional permission: allow once, allow always, or deny. Whoever shows
// the question (the window, the terminal) implements PromptService; no answer in time is a deny.

export type PromptAnswer = 'allow-once' | 'allow-always' | 'deny';

export interface PermissionPrompt {
  ext: string;
  /** The extension's display name. */
  extName: string;
  /** One plain sentence: "Notes Sync wants to read files in ~/Downloads." */
  question: string;
  /** The grant labels this would allow ("fs[0]"), for the audit record. */
  grants: string[];
}

export interface PromptService {
  ask(prompt: PermissionPrompt, signal: AbortSignal): Promise<PromptAnswer>;
}

/** How long a question waits for the user before it counts as deny (issue 4). */
export const PROMPT_TIMEOUT_MS = 60_000;

/** Asks, and answers 'deny' after `timeoutMs` or if the service fails: never allow by default. */
export async function askWithTimeout(
  service: PromptService,
  prompt: PermissionPrompt,
  timeoutMs = PROMPT_TIMEOUT_MS,
): Promise<{ answer: PromptAnswer; why: string }> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ answer: PromptAnswer; why: string }>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ answer: 'deny', why: `no answer in ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
  });
  const asked = service.ask(prompt, controller.signal).then(
    (answer) => ({ answer, why: `${answer} by the user` }),
    () => ({ answer: 'deny' as const, why: 'the question could not be shown' }),
  );
  try {
    return await Promise.race([asked, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A PromptService for runs with nobody to ask: every question fails to be shown, so it is denied
 * and audited as "could not be shown", never as the user's answer.
 */
export const denyAllPrompts: PromptService = {
  ask: async () => {
    throw new Error('there is nobody to ask');
  },
};
