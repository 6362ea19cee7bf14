// A command's arguments as the user types them (a JSON array), and its result as text.

/** The arguments, or the sentence saying what is wrong with them. */
export function parseArguments(text: string): { args: unknown[] } | { error: string } {
  if (text.trim() === '') return { args: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'The arguments are not JSON: write a JSON array, such as ["notes.md", 3].' };
  }
  if (!Array.isArray(value))
    return { error: 'The arguments must be a JSON array, such as ["notes.md", 3].' };
  if (value.length > 64) return { error: 'A command takes at most 64 arguments.' };
  return { args: value };
}

/** A command's result for display: strings as they are, anything else as indented JSON. */
export function resultText(result: unknown): string {
  if (result === undefined) return '(no result)';
  if (typeof result === 'string') return result;
  return JSON.stringify(result, null, 2);
}
