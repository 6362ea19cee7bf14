// The questions waiting for an answer, as main follows them from the host's events: the tray's
// badge counts them, and a new one may raise a native notification while the window is away.
import type { EventName, EventPayload, PromptView } from '../app/contract/index.ts';

/** What one event changed: a question that is new (never seen before), or only the count. */
export interface PromptChange {
  /** The question first seen with this event (a changed one, e.g. its countdown stopped, is not new). */
  added: PromptView | null;
  /** The number of waiting questions changed. */
  countChanged: boolean;
}

/** Follows onPrompt and onPromptClosed; every other event changes nothing. */
export class WaitingPrompts {
  private readonly waiting = new Map<string, PromptView>();

  get count(): number {
    return this.waiting.size;
  }

  /** Starts from the host's own list (prompts.list), e.g. when the window connects. */
  reset(prompts: readonly PromptView[]): PromptChange {
    const before = this.waiting.size;
    this.waiting.clear();
    for (const prompt of prompts) this.waiting.set(prompt.id, prompt);
    return { added: null, countChanged: before !== this.waiting.size };
  }

  /** Applies one pushed event. */
  apply<E extends EventName>(name: E, payload: EventPayload<E>): PromptChange {
    if (name === 'onPrompt') {
      const prompt = payload as EventPayload<'onPrompt'>;
      const isNew = !this.waiting.has(prompt.id);
      this.waiting.set(prompt.id, prompt);
      return { added: isNew ? prompt : null, countChanged: isNew };
    }
    if (name === 'onPromptClosed') {
      const closed = payload as EventPayload<'onPromptClosed'>;
      return { added: null, countChanged: this.waiting.delete(closed.id) };
    }
    return { added: null, countChanged: false };
  }
}

/** The window as the notification decision sees it. */
export interface WindowPresence {
  visible: boolean;
  minimized: boolean;
  focused: boolean;
}

/** A new question raises a notification only when the user cannot see the window. */
export function shouldNotify(change: PromptChange, window: WindowPresence | null): boolean {
  if (change.added === null) return false;
  return window === null || !window.visible || window.minimized || !window.focused;
}

/**
 * The notification for a new question. Only the extension's id (a checked pattern of letters,
 * digits, dots and dashes) comes from the extension: its name and question stay in the window,
 * where they are shown as text, because some notification servers read markup in the body.
 * No actions and no reply: a notification can open the question, never answer it.
 */
export function promptNotification(prompt: PromptView): {
  title: string;
  body: string;
  silent: boolean;
  hasReply: false;
  actions: [];
  timeoutType: 'default';
} {
  return {
    title: 'Corral: an extension asks for permission',
    body: `${prompt.ext} is waiting for your answer. Open Corral to see the question.`,
    silent: false,
    hasReply: false,
    actions: [],
    timeoutType: 'default',
  };
}

/** The tray's tooltip: the count in words. */
export function trayTooltip(count: number): string {
  if (count === 0) return 'Corral';
  return `Corral: ${count} ${count === 1 ? 'question' : 'questions'} waiting`;
}
