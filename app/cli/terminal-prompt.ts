// Permission questions on the terminal for `corral run`: allow once, allow always, or deny. One
// question at a time, each denied after PROMPT_TIMEOUT_MS without an answer; with no terminal to
// ask on, every question is answered deny.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { CliInput } from './io.ts';
import type { PermissionPrompt, PromptAnswer, PromptService } from '../runtime/prompts.ts';
import { denyAllPrompts, withTimeout } from '../runtime/prompts.ts';
import { sanitizeTerminalText } from '../terminal/sanitize.ts';

const ANSWERS: Record<string, PromptAnswer> = {
  o: 'allow-once',
  a: 'allow-always',
  d: 'deny',
  '': 'deny',
};

/** Questions read from `input` (a terminal, else every question is denied) and written by `write`. */
export function terminalPrompts(input: CliInput, write: (s: string) => void): PromptService {
  if (!input.isTTY) return denyAllPrompts;
  const output = writerStream(write);
  let queue: Promise<unknown> = Promise.resolve();
  return withTimeout({
    ask(prompt: PermissionPrompt, signal: AbortSignal): Promise<PromptAnswer> {
      const asked = queue.then(() => askOnce(prompt, signal, input, output));
      queue = asked.catch(() => {});
      return asked;
    },
  });
}

function askOnce(
  prompt: PermissionPrompt,
  signal: AbortSignal,
  input: CliInput,
  output: Writable,
): Promise<PromptAnswer> {
  if (signal.aborted) return Promise.resolve('deny');
  return new Promise((resolve) => {
    const rl = createInterface({ input, output });
    const finish = (answer: PromptAnswer) => {
      rl.close();
      resolve(answer);
    };
    signal.addEventListener('abort', () => {
      output.write('\n(no answer in time: denied)\n');
      finish('deny');
    });
    // The scope of "always" in the person's words, before they answer (STYLE.md: OpenSnitch).
    const always =
      prompt.always === 'remembered'
        ? `[a]lways (kept for ${prompt.extName} until revoked)`
        : `[a]lways until this corral run ends (${prompt.extName} is not installed, so nothing is kept)`;
    const ask = () =>
      rl.question(
        `${sanitizeTerminalText(`${prompt.question} Allow [o]nce, ${always}`)}, or [d]eny? `,
        (text) => {
          const answer = ANSWERS[text.trim().toLowerCase().slice(0, 1)];
          if (answer) finish(answer);
          else ask();
        },
      );
    ask();
  });
}

/** A stream for readline that hands its text to `write` (the command's stderr). */
export function writerStream(write: (s: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      write(chunk.toString());
      done();
    },
  });
}
