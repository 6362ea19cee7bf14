// Asking the user about an optional permission: allow once, allow always, deny, or deny always.
// Whoever shows the question (the window, the terminal) implements PromptService and owns its
// timeout; no answer in time is a deny of that one request, never a rule.

export type PromptAnswer = 'allow-once' | 'allow-always' | 'deny' | 'deny-always';

export interface PermissionPrompt {
  ext: string;
  /** The extension's display name. */
  extName: string;
  /** One plain sentence: "Notes Sync wants to read files in ~/Downloads." */
  question: string;
  /** What it reaches: a path, host:port, channel, or the list of what a request asks for. */
  target: string;
  /** The grant labels this would allow ("fs[0]"), for the audit record. */
  grants: string[];
  /**
   * What "allow always" keeps: `remembered` for an installed extension (recorded in its state,
   * for every later run, until revoked); `this-run` for an unpacked one (`corral run DIR`), which
   * has no install record to keep it in and whose files may change at any moment: the answer then
   * lasts while this host runs it, restarts included, and is never written anywhere.
   */
  always: 'remembered' | 'this-run';
}

/** An answer and how it came about ("allow-once by the user in the desktop window"). */
export interface PromptOutcome {
  answer: PromptAnswer;
  why: string;
}

export interface PromptService {
  /**
   * Asks; resolves with the answer (a bare answer means "by the user"). `signal` aborts when the
   * request goes away (the extension stopped): the question is withdrawn and the answer ignored.
   */
  ask(prompt: PermissionPrompt, signal: AbortSignal): Promise<PromptAnswer | PromptOutcome>;
}

/** Whether an answer lets the request through (this once or always). */
export function allows(answer: PromptAnswer): boolean {
  return answer === 'allow-once' || answer === 'allow-always';
}

/** Asks `service`, turning a failure to show the question into a deny that says so. */
export async function askUser(
  service: PromptService,
  prompt: PermissionPrompt,
  signal: AbortSignal,
): Promise<PromptOutcome> {
  try {
    const got = await service.ask(prompt, signal);
    return typeof got === 'string' ? { answer: got, why: `${got} by the user` } : got;
  } catch {
    return { answer: 'deny', why: 'the question could not be shown' };
  }
}

/** How long a question waits for the user before it counts as deny (issue 4). */
export const PROMPT_TIMEOUT_MS = 60_000;

/**
 * Asks `service` and answers 'deny' after `timeoutMs` if nobody answered (the question is then
 * withdrawn), or if it could not be shown: never allow by default. For services that have no
 * timeout of their own (the terminal).
 */
export async function askWithTimeout(
  service: PromptService,
  prompt: PermissionPrompt,
  timeoutMs = PROMPT_TIMEOUT_MS,
  signal?: AbortSignal,
): Promise<PromptOutcome> {
  const controller = new AbortController();
  const withdraw = () => controller.abort();
  signal?.addEventListener('abort', withdraw);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<PromptOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ answer: 'deny', why: `no answer in ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
  });
  try {
    return await Promise.race([askUser(service, prompt, controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', withdraw);
  }
}

/** `service` with a timeout of its own: a question nobody answers in `timeoutMs` is a deny. */
export function withTimeout(service: PromptService, timeoutMs = PROMPT_TIMEOUT_MS): PromptService {
  return { ask: (prompt, signal) => askWithTimeout(service, prompt, timeoutMs, signal) };
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
