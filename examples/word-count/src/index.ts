// Word Count: the words of one file, or of every .md and .txt file under the workspace, read
// through the host (fs/list, fs/read) under a read grant on ${workspace}.
import { connect, CorralError, ErrorCode } from '../../../sdk/node/src/index.ts';

/** Files counted per run at most: a workspace with more is reported, not walked for ever. */
const MAX_FILES = 10_000;
const TEXT = /\.(md|txt)$/i;

const corral = connect();
let workspace: string | null = null;

corral.onInitialize((params) => {
  workspace = params.workspace;
});

corral.onCommand('wordcount.count', async (target) => {
  const root = target === undefined || target === null ? workspace : target;
  if (typeof root !== 'string' || !root.startsWith('/'))
    throw new CorralError(
      ErrorCode.InvalidParams,
      root === null
        ? 'no folder is open; open a workspace or give a file to count'
        : 'give the absolute path of a file or folder to count',
    );
  const files: { path: string; words: number }[] = [];
  if ((await corral.fs.stat(root)).type === 'file') {
    files.push({ path: root, words: countWords(await corral.fs.read(root)) });
  } else {
    for (const path of await textFilesUnder(root))
      files.push({ path, words: countWords(await corral.fs.read(path)) });
  }
  return { total: files.reduce((sum, f) => sum + f.words, 0), files };
});

function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** The .md and .txt files under `dir`, depth first, in name order; symlinks are not followed. */
async function textFilesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const folder = pending.shift()!;
    for (const entry of await corral.fs.list(folder)) {
      const path = `${folder === '/' ? '' : folder}/${entry.name}`;
      if (entry.type === 'dir') pending.push(path);
      else if (entry.type === 'file' && TEXT.test(entry.name)) found.push(path);
      if (found.length > MAX_FILES)
        throw new CorralError(
          ErrorCode.LimitExceeded,
          `more than ${MAX_FILES} text files under ${dir}; count a smaller folder`,
        );
    }
  }
  return found.sort();
}
