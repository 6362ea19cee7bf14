// Permission questions for the connected UIs, as users of interactive firewalls (OpenSnitch,
// Little Snitch) ask for them: identical requests are one question; an extension has at most one
// question open at a time; one that asks too often is denied without asking, and flagged; "Deny
// always" silences a question until the user resets it in Settings; a question nobody answers
// denies that one request when its countdown ends (and the countdown stops once someone looks at
// it); a question whose request went away closes and says why. Every UI sees the same questions,
// and an answer in one closes it in all.
import { randomBytes } from 'node:crypto';
import type { AuditEventInput } from '../audit-event/event.ts';
import type { PromptClosed, PromptView } from '../contract/index.ts';
import type {
  PermissionPrompt,
  PromptAnswer,
  PromptOutcome,
  PromptService,
} from '../runtime/prompts.ts';
import type { Risk } from '../consent/summary.ts';
import type { DeniedAlwaysList } from './denied-always.ts';

/** What an "always" answer records, and how much it matters, for an extension's grant labels. */
export type DescribeGrants = (ext: string, labels: string[]) => { rules: string[]; risk: Risk };

export interface PromptCenterOptions {
  /** How long a shown question waits for an answer (Settings: prompt timeout). */
  timeoutMs: () => number;
  describe: DescribeGrants;
  deniedAlways: DeniedAlwaysList;
  /** A question changed or appeared (onPrompt), or closed (onPromptClosed). */
  onPrompt: (prompt: PromptView) => void;
  onPromptClosed: (closed: PromptClosed) => void;
  audit: (event: AuditEventInput) => void;
  /** More questions than `max` shown within `windowMs` for one extension are denied unasked. */
  rate?: { max: number; windowMs: number };
  /** Questions one extension may have waiting behind its open one; more are denied unasked. */
  maxQueued?: number;
  /** A question someone stopped the countdown of still ends after this long. */
  maxHoldMs?: number;
  now?: () => number;
}

/** The defaults: 10 questions a minute, 8 waiting, a held question ends after 15 minutes. */
export const PROMPT_RATE = { max: 10, windowMs: 60_000 };
export const PROMPT_MAX_QUEUED = 8;
export const PROMPT_MAX_HOLD_MS = 15 * 60_000;

/** No question (or it already closed) with that id; the UI shows the message. */
export class PromptNotFound extends Error {}

interface Waiter {
  resolve: (outcome: PromptOutcome) => void;
}

interface Question {
  id: string;
  key: string;
  prompt: PermissionPrompt;
  rules: string[];
  risk: Risk;
  waiters: Set<Waiter>;
  createdAt: number;
  /** When the countdown ends (epoch ms), or null once someone held it. */
  deadline: number | null;
  shown: boolean;
  timer: NodeJS.Timeout | null;
}

const LABELS: Record<PromptAnswer, string> = {
  'allow-once': 'Allow once',
  'allow-always': 'Allow always',
  deny: 'Deny',
  'deny-always': 'Deny always',
};

/** The PromptService every extension of the host asks through, and what the UIs answer. */
export class PromptCenter implements PromptService {
  private readonly byExt = new Map<string, Question[]>();
  private readonly shownAt = new Map<string, number[]>();
  private readonly flagged = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly o: PromptCenterOptions) {
    this.now = o.now ?? Date.now;
  }

  async ask(prompt: PermissionPrompt, signal: AbortSignal): Promise<PromptOutcome> {
    if (signal.aborted) return { answer: 'deny', why: 'the request went away before it was asked' };
    const { rules, risk } = this.o.describe(prompt.ext, prompt.grants);
    const remembered = this.o.deniedAlways.find(prompt.ext, rules);
    if (remembered)
      return {
        answer: 'deny',
        why: `denied always since ${remembered.at.slice(0, 10)} (Settings can reset it)`,
      };

    const key = JSON.stringify([prompt.target, rules, prompt.question]);
    const queue = this.byExt.get(prompt.ext) ?? [];
    let question = queue.find((q) => q.key === key);
    if (!question) {
      const refusal = this.refusal(prompt.ext, queue);
      if (refusal) return { answer: 'deny', why: refusal };
      question = {
        id: randomBytes(12).toString('base64url'),
        key,
        prompt,
        rules,
        risk,
        waiters: new Set(),
        createdAt: this.now(),
        deadline: null,
        shown: false,
        timer: null,
      };
      queue.push(question);
      this.byExt.set(prompt.ext, queue);
    }
    const q = question;
    return new Promise<PromptOutcome>((resolve) => {
      const waiter: Waiter = { resolve };
      q.waiters.add(waiter);
      signal.addEventListener(
        'abort',
        () => {
          if (!q.waiters.delete(waiter)) return;
          resolve({ answer: 'deny', why: 'the request went away' });
          if (q.waiters.size === 0)
            this.close(
              q,
              'extension-stopped',
              undefined,
              'The extension stopped: the question is withdrawn.',
            );
          else if (q.shown) this.o.onPrompt(this.view(q));
        },
        { once: true },
      );
      if (q.shown)
        this.o.onPrompt(this.view(q)); // one more identical request waits on it
      else this.showNext(prompt.ext);
    });
  }

  /** The questions shown now, oldest first (one per extension at most). */
  list(): PromptView[] {
    return [...this.byExt.values()]
      .map((queue) => queue[0])
      .filter((q): q is Question => q !== undefined && q.shown)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((q) => this.view(q));
  }

  /** Answers a shown question for every request waiting on it; `by` names the UI. */
  answer(id: string, answer: PromptAnswer, by: string): void {
    const q = this.shownById(id);
    const why = `${answer} by the user in the ${by}`;
    if (answer === 'deny-always') {
      const at = new Date(this.now()).toISOString();
      this.o.deniedAlways.add({
        ext: q.prompt.ext,
        rules: q.rules,
        sentence: q.prompt.question,
        at,
      });
    }
    for (const w of q.waiters) w.resolve({ answer, why });
    q.waiters.clear();
    this.close(q, 'answered', answer, `Answered in the ${by}: ${LABELS[answer]}.`);
  }

  /** Someone is looking at the question: its countdown stops (it still ends after maxHoldMs). */
  hold(id: string): void {
    const q = this.shownById(id);
    if (q.deadline === null) return;
    q.deadline = null;
    this.arm(q, this.o.maxHoldMs ?? PROMPT_MAX_HOLD_MS, 'no answer while it was held open');
    this.o.onPrompt(this.view(q));
  }

  /** Withdraws every question of `ext` (it stopped, was disabled or quarantined). */
  withdraw(ext: string, message: string): void {
    for (const q of [...(this.byExt.get(ext) ?? [])]) {
      for (const w of q.waiters) w.resolve({ answer: 'deny', why: 'the extension stopped' });
      q.waiters.clear();
      this.close(q, 'extension-stopped', undefined, message);
    }
  }

  /** Ends every question (the host is shutting down): each request is denied. */
  closeAll(): void {
    for (const ext of [...this.byExt.keys()]) this.withdraw(ext, 'Corral is shutting down.');
  }

  /** Why a new question of `ext` is denied without asking, or null when it may be asked. */
  private refusal(ext: string, queue: Question[]): string | null {
    const rate = this.o.rate ?? PROMPT_RATE;
    const now = this.now();
    const recent = (this.shownAt.get(ext) ?? []).filter((t) => now - t < rate.windowMs);
    this.shownAt.set(ext, recent);
    // Shown within the window (the open one among them) and waiting to be shown.
    const asked = recent.length + queue.filter((q) => !q.shown).length;
    const tooMany = asked >= rate.max;
    const tooLong = queue.length > (this.o.maxQueued ?? PROMPT_MAX_QUEUED);
    if (!tooMany && !tooLong) return null;
    const why = `asked too often (${asked} questions within ${rate.windowMs / 1000} s): denied without asking`;
    this.flag(ext, why);
    return why;
  }

  /** Records one alert per window for an extension that asks too often (the UI shows it). */
  private flag(ext: string, why: string): void {
    const now = this.now();
    const last = this.flagged.get(ext);
    const windowMs = (this.o.rate ?? PROMPT_RATE).windowMs;
    if (last !== undefined && now - last < windowMs) return;
    this.flagged.set(ext, now);
    this.o.audit({
      ext,
      layer: 'host',
      kind: 'limit',
      op: 'alert',
      target: 'permission prompts',
      outcome: 'alert',
      reason: `prompt-flood: ${why}`,
    });
  }

  private showNext(ext: string): void {
    const q = this.byExt.get(ext)?.[0];
    if (!q || q.shown) return;
    q.shown = true;
    q.createdAt = this.now();
    this.shownAt.set(ext, [...(this.shownAt.get(ext) ?? []), q.createdAt]);
    const timeoutMs = this.o.timeoutMs();
    q.deadline = q.createdAt + timeoutMs;
    this.arm(q, timeoutMs, `no answer in ${Math.round(timeoutMs / 1000)} s`);
    this.o.onPrompt(this.view(q));
  }

  /** Ends the question after `ms`: each waiting request is denied, and no rule is recorded. */
  private arm(q: Question, ms: number, why: string): void {
    if (q.timer) clearTimeout(q.timer);
    q.timer = setTimeout(() => {
      for (const w of q.waiters) w.resolve({ answer: 'deny', why });
      q.waiters.clear();
      this.close(q, 'timeout', undefined, `Nobody answered: denied this once (${why}).`);
    }, ms);
    q.timer.unref();
  }

  private close(
    q: Question,
    why: PromptClosed['why'],
    answer: PromptAnswer | undefined,
    message: string,
  ): void {
    if (q.timer) clearTimeout(q.timer);
    q.timer = null;
    const ext = q.prompt.ext;
    const queue = (this.byExt.get(ext) ?? []).filter((other) => other !== q);
    if (queue.length === 0) this.byExt.delete(ext);
    else this.byExt.set(ext, queue);
    if (q.shown)
      this.o.onPromptClosed({ id: q.id, ext, why, ...(answer ? { answer } : {}), message });
    this.showNext(ext);
  }

  private shownById(id: string): Question {
    for (const queue of this.byExt.values()) {
      const q = queue[0];
      if (q?.id === id && q.shown) return q;
    }
    throw new PromptNotFound(
      'this question is no longer waiting (it was answered, timed out or withdrawn)',
    );
  }

  private view(q: Question): PromptView {
    return {
      id: q.id,
      ext: q.prompt.ext,
      extName: q.prompt.extName,
      question: q.prompt.question,
      target: q.prompt.target,
      rules: q.rules,
      risk: q.risk,
      waiting: Math.max(1, q.waiters.size),
      createdAt: new Date(q.createdAt).toISOString(),
      deadline: q.deadline === null ? null : new Date(q.deadline).toISOString(),
    };
  }
}
