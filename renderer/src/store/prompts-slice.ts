// Permission questions waiting for the user, oldest first. An update to a question (more identical
// requests, its countdown stopped) replaces it in place; a question closed elsewhere stays on
// screen with the reason until dismissed, unless this window answered it.
import type { PromptAnswerView, PromptClosed, PromptView } from '../../../app/contract/index.ts';
import { without } from './records.ts';
import { errorOf, type ActionError, type SliceFactory } from './slice.ts';

/** Closed ids remembered so that a late update cannot bring a question back. */
const CLOSED_KEEP = 1000;

export interface PromptsSlice {
  prompts: PromptView[];
  /** Why a question on screen closed, by prompt id. */
  promptClosures: Record<string, PromptClosed>;
  loadPrompts(): Promise<ActionError>;
  receivePrompt(prompt: PromptView): void;
  closePrompt(closed: PromptClosed): void;
  dismissPrompt(id: string): void;
  answerPrompt(id: string, answer: PromptAnswerView): Promise<ActionError>;
  /** The user is looking at it: stop its countdown (once per question). */
  holdPrompt(id: string): Promise<ActionError>;
}

export const createPromptsSlice: SliceFactory<PromptsSlice> = ({ set, get, client }) => {
  const closedIds = new Set<string>();
  const answeredHere = new Set<string>();
  const held = new Set<string>();

  const forget = (id: string) => {
    closedIds.add(id);
    if (closedIds.size > CLOSED_KEEP) closedIds.delete(closedIds.values().next().value!);
    answeredHere.delete(id);
    held.delete(id);
  };

  const removePrompt = (id: string) => {
    const { prompts, promptClosures } = get();
    set({
      prompts: prompts.filter((p) => p.id !== id),
      promptClosures: without(promptClosures, id),
    });
  };

  return {
    prompts: [],
    promptClosures: {},

    async loadPrompts() {
      const result = await client.prompts.list({});
      if (!result.ok) return errorOf(result);
      const waiting = new Set(result.value.map((p) => p.id));
      const { prompts, promptClosures } = get();
      // A question on screen that the host no longer has closed while this window was away.
      const closures = { ...promptClosures };
      for (const p of prompts) {
        if (waiting.has(p.id) || closures[p.id]) continue;
        closures[p.id] = {
          id: p.id,
          ext: p.ext,
          why: 'cancelled',
          message:
            'No longer waiting: it was answered or ended while this window was disconnected.',
        };
        forget(p.id);
      }
      const fresh = result.value.filter((p) => !closedIds.has(p.id));
      const kept = prompts.filter((p) => closures[p.id]);
      set({ prompts: [...kept, ...fresh], promptClosures: closures });
      return null;
    },

    receivePrompt(prompt) {
      if (closedIds.has(prompt.id)) return;
      const prompts = get().prompts;
      const at = prompts.findIndex((p) => p.id === prompt.id);
      set({ prompts: at < 0 ? [...prompts, prompt] : prompts.with(at, prompt) });
    },

    closePrompt(closed) {
      const answered = answeredHere.has(closed.id);
      forget(closed.id);
      // A "Deny always" answer, given in any window, is a new line in Settings.
      if (closed.answer === 'deny-always') void get().loadSettings();
      if (!get().prompts.some((p) => p.id === closed.id)) return;
      if (answered) return removePrompt(closed.id);
      set({ promptClosures: { ...get().promptClosures, [closed.id]: closed } });
    },

    dismissPrompt: removePrompt,

    async answerPrompt(id, answer) {
      answeredHere.add(id);
      const result = await client.prompts.answer({ id, answer });
      if (!result.ok) {
        answeredHere.delete(id);
        return errorOf(result);
      }
      forget(id);
      removePrompt(id);
      return null;
    },

    async holdPrompt(id) {
      const prompt = get().prompts.find((p) => p.id === id);
      if (held.has(id) || !prompt || prompt.deadline === null || get().promptClosures[id])
        return null;
      held.add(id);
      return errorOf(await client.prompts.hold({ id }));
    },
  };
};
