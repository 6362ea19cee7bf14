// loadInstalledExtension when another corral changes the extension while its files are read: the
// reason is the uninstall or the update, not a broken package.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtensionManager } from '../../../app/manager/manager.ts';
import { loadInstalledExtension } from '../../../app/manager/installed-extension.ts';
import { install, refusal, sandbox, type Sandbox } from './support.ts';

const repo = new URL('../../..', import.meta.url).pathname;
const ID = 'corral-examples.word-count';
let box: Sandbox;

beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

/** `manager`, except that another corral runs `meanwhile` right after the record is read. */
function racing(manager: ExtensionManager, meanwhile: () => void): ExtensionManager {
  return new Proxy(manager, {
    get(target, key, receiver) {
      if (key !== 'require') return Reflect.get(target, key, receiver) as unknown;
      return (id: string) => {
        const record = target.require(id);
        meanwhile();
        return record;
      };
    },
  });
}

test('uninstalled by another corral while its files are read: said so', async () => {
  const manager = box.open();
  await install(manager, join(repo, 'examples', 'word-count'));
  const other = box.open();
  const message = await refusal(
    loadInstalledExtension(
      racing(manager, () => other.uninstall(ID, false)),
      ID,
    ),
  );
  assert.equal(message, `${ID} was uninstalled while it started`);
});

test('the control: with nothing meanwhile it loads; files changed by hand are still refused', async () => {
  const manager = box.open();
  await install(manager, join(repo, 'examples', 'word-count'));
  const { extension } = await loadInstalledExtension(
    racing(manager, () => {}),
    ID,
  );
  assert.equal(extension.manifest.id, ID);
  const dir = manager.dirOf(manager.require(ID).current);
  writeFileSync(join(dir, 'dist', 'index.cjs'), '// changed\n');
  assert.match(
    await refusal(loadInstalledExtension(manager, ID)),
    /changed after it was installed, so it does not run/,
  );
});
