// SDK Tour: one command per SDK method, each the runnable example docs/extension-guide.md shows
// (the text between "#region" and "#endregion" is quoted there verbatim, and a test checks it).
// An extension imports '@corral/sdk'; the examples build against the SDK's source.
import {
  connect,
  NotFoundError,
  PermissionDeniedError,
  type JsonValue,
} from '../../../sdk/node/src/index.ts';

const corral = connect();

// #region onInitialize
corral.onInitialize(({ extension, workspace }) => {
  // Runs before Corral sees the extension as ready; a throw here fails the start.
  void corral.log.info(
    `${extension.id} ${extension.version} starts in ${workspace ?? 'no folder'}`,
  );
});
// #endregion

// #region onShutdown
corral.onShutdown(async () => {
  // The last word before the process exits: save what must survive.
  await corral.fs.write('${extensionData}/stopped.txt', new Date().toISOString());
});
// #endregion

// #region paths.resolve
corral.onCommand('tour.paths', () => ({
  // A manifest variable, in single quotes: the SDK knows where it is in this sandbox.
  notes: corral.paths.resolve('${workspace}/notes.md'),
  data: corral.paths.resolve('${extensionData}'),
}));
// #endregion

// #region fs.read
corral.onCommand('tour.read', async (name = 'notes.md') => {
  // fs calls take the manifest's variables too: join them with +, never inside a `template`.
  const text = await corral.fs.read('${workspace}/' + String(name));
  return { lines: text.split('\n').length, first: text.split('\n')[0] };
});
// #endregion

// #region fs.write
corral.onCommand('tour.write', async () => {
  // ${extensionData} is always granted read-write: the extension's own folder.
  await corral.fs.write('${extensionData}/state.json', JSON.stringify({ at: Date.now() }));
  await corral.fs.write('${extensionData}/logo.bin', new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
  return JSON.parse(await corral.fs.read('${extensionData}/state.json')) as JsonValue;
});
// #endregion

// #region fs.list
corral.onCommand('tour.list', async () =>
  (await corral.fs.list('${workspace}'))
    .filter((entry) => entry.type === 'file')
    .map((entry) => entry.name)
    .sort(),
);
// #endregion

// #region fs.stat
corral.onCommand('tour.stat', async (name = 'notes.md') => {
  try {
    const { type, size } = await corral.fs.stat('${workspace}/' + String(name));
    return { type, size };
  } catch (err) {
    if (err instanceof NotFoundError) return { type: 'missing' };
    throw err;
  }
});
// #endregion

// #region net.fetch
corral.onCommand('tour.fetch', async (repo = 'acme/rocket') => {
  // Only hosts the manifest grants (api.github.com here); the host makes the request.
  const response = await corral.net.fetch(`https://api.github.com/repos/${String(repo)}`, {
    headers: { accept: 'application/vnd.github+json' },
  });
  if (response.status !== 200) return { status: response.status };
  const body = typeof response.body === 'string' ? response.body : '{}';
  return {
    status: 200,
    stars: (JSON.parse(body) as { stargazers_count: number }).stargazers_count,
  };
});
// #endregion

// #region ipc.publish
corral.onCommand('tour.publish', async (text = 'hello') => {
  // Every extension subscribed to the channel gets it (the manifest grants publish or both).
  await corral.ipc.publish('tour.events', { text: String(text), at: Date.now() });
  return 'published';
});
// #endregion

// #region ipc.subscribe
const received: JsonValue[] = [];
void corral.ready.then(() =>
  corral.ipc.subscribe('tour.events', (message) => {
    received.push(message);
  }),
);
corral.onCommand('tour.received', () => received);
// #endregion

// #region permissions.request
corral.onCommand('tour.ask', async () => {
  // An optional permission of the manifest: the user is asked (once, always, or no).
  const granted = await corral.permissions.request({
    fs: [{ path: '${downloads}', access: 'read' }],
  });
  if (!granted) return { granted };
  return { granted, files: (await corral.fs.list('${downloads}')).length };
});
// #endregion

// #region log
corral.onCommand('tour.log', async () => {
  // Lines for `corral run`'s terminal and the app; they never throw.
  await corral.log.debug('only with a debug view');
  await corral.log.info('counted 3 files');
  await corral.log.warn('notes.md is empty');
  await corral.log.error('could not parse settings.json');
  return 'logged';
});
// #endregion

// #region errors
corral.onCommand('tour.denied', async () => {
  try {
    return await corral.fs.read('/etc/shadow');
  } catch (err) {
    // A refusal carries the policy's reason; it is in the audit log too.
    if (err instanceof PermissionDeniedError) return { refused: err.message };
    throw err;
  }
});
// #endregion

// #region ready
corral.onCommand('tour.ready', async () => {
  // Resolves with the initialize params once Corral has seen the extension as ready.
  const { extension } = await corral.ready;
  return extension.id;
});
// #endregion
