// The commands of {{title}}, apart from the connection so that the tests can drive them with a
// stand-in for the SDK (test/commands.test.ts).
import type { Corral, JsonValue } from '@corral/sdk';

/** What {{name}}.count answers. */
export interface WordCount {
  total: number;
  files: { name: string; words: number }[];
}

/** The parts of the SDK the commands use (a stand-in in the tests provides just these). */
export type CommandsHost = Pick<Corral, 'paths' | 'fs' | 'onCommand'>;

/** The words of a text: runs of characters that are not white space. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Registers the commands on `corral`: connect() in src/index.ts, a stand-in in the tests. */
export function registerCommands(corral: CommandsHost): void {
  // FILE: a file of the workspace to count; without it, every .md and .txt file at its top.
  corral.onCommand('{{name}}.count', async (file?: JsonValue): Promise<WordCount> => {
    // The folder the user opened, as the SDK resolves it: never a path written here.
    const workspace = corral.paths.resolve('${workspace}');
    const names =
      file === undefined || file === null
        ? (await corral.fs.list(workspace))
            .filter((entry) => entry.type === 'file' && /\.(md|txt)$/i.test(entry.name))
            .map((entry) => entry.name)
        : [String(file)];
    const files: WordCount['files'] = [];
    for (const name of names.sort()) {
      const text = await corral.fs.read(`${workspace}/${name}`);
      files.push({ name, words: countWords(text) });
    }
    return { total: files.reduce((sum, f) => sum + f.words, 0), files };
  });
}
