// Notes Sync: notes as Markdown files in ${workspace}/notes, an index of them in the extension's
// private data folder, and an import from Downloads that first asks the user for the optional
// read grant (permissions/request) instead of holding it all the time.
import {
  connect,
  CorralError,
  ErrorCode,
  NotFoundError,
  PermissionDeniedError,
} from '../../../sdk/node/src/index.ts';

interface IndexEntry {
  slug: string;
  title: string;
  /** Where an imported note came from. */
  source?: string;
  updated: string;
}

const corral = connect();
// The host says where ${extensionData} is; it is always granted read-write.
const dataDir = process.env.CORRAL_EXTENSION_DATA ?? null;
let workspace: string | null = null;

corral.onInitialize((params) => {
  workspace = params.workspace;
});

corral.onCommand('notes.add', async (title, text) => {
  if (typeof title !== 'string' || typeof text !== 'string')
    throw new CorralError(ErrorCode.InvalidParams, 'give a title and a text: ["Title", "Text"]');
  const slug = slugOf(title);
  const path = await saveNote(slug, `# ${title}\n\n${text}\n`);
  const notes = await updateIndex({ slug, title, updated: new Date().toISOString() });
  return { path, notes };
});

corral.onCommand('notes.import', async (file) => {
  if (typeof file !== 'string' || !file.startsWith('/'))
    throw new CorralError(ErrorCode.InvalidParams, 'give the absolute path of a file in Downloads');
  const granted = await corral.permissions.request({
    fs: [{ path: '${downloads}', access: 'read' }],
  });
  if (!granted)
    throw new PermissionDeniedError(
      `reading Downloads was not allowed, so ${file} was not imported; run notes.import again and allow it`,
    );
  const text = await corral.fs.read(file);
  const name = file.slice(file.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
  const slug = slugOf(name);
  const path = await saveNote(slug, text);
  const notes = await updateIndex({
    slug,
    title: name,
    source: file,
    updated: new Date().toISOString(),
  });
  return { imported: file, path, notes };
});

/** A file name from a title: lower-case words joined by '-', at most 60 characters. */
function slugOf(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  if (!slug)
    throw new CorralError(
      ErrorCode.InvalidParams,
      `"${title}" has no letters or digits to name a file`,
    );
  return slug;
}

async function saveNote(slug: string, content: string): Promise<string> {
  if (workspace === null)
    throw new CorralError(ErrorCode.InvalidParams, 'no folder is open; open a workspace first');
  const path = `${workspace}/notes/${slug}.md`;
  try {
    await corral.fs.write(path, content);
  } catch (err) {
    if (err instanceof NotFoundError)
      throw new NotFoundError(`${workspace}/notes does not exist; create it to keep notes there`);
    throw err;
  }
  return path;
}

/** Adds or replaces the note in the index; returns how many notes it lists. */
async function updateIndex(entry: IndexEntry): Promise<number> {
  if (dataDir === null)
    throw new CorralError(
      ErrorCode.InternalError,
      'CORRAL_EXTENSION_DATA is not set; start with corral run',
    );
  const file = `${dataDir}/index.json`;
  let notes: IndexEntry[] = [];
  try {
    notes = (JSON.parse(await corral.fs.read(file)) as { notes: IndexEntry[] }).notes;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  notes = [...notes.filter((n) => n.slug !== entry.slug), entry];
  await corral.fs.write(file, JSON.stringify({ notes }, null, 2) + '\n');
  return notes.length;
}
