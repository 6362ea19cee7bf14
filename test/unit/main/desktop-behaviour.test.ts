// The desktop conventions as decisions: the waiting-question count behind the tray badge, when a
// notification is raised and what it may say, the close behaviour, the Install file dialog, and
// what a packaged build takes from the keyboard and the menu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PromptView } from '../../../app/contract/index.ts';
import { closeAction } from '../../../main/close-behaviour.ts';
import { chosenPackage, packageDialogOptions } from '../../../main/package-dialog.ts';
import { blockedShortcut, packagedMenuTemplate } from '../../../main/packaged-lockdown.ts';
import {
  WaitingPrompts,
  promptNotification,
  shouldNotify,
  trayTooltip,
} from '../../../main/waiting-prompts.ts';

function prompt(id: string, fields: Partial<PromptView> = {}): PromptView {
  return {
    id,
    ext: 'acme.notes',
    extName: 'Notes <b>Sync</b>',
    question: 'Notes Sync wants to read files in your Downloads folder.',
    target: '/home/me/Downloads',
    rules: ['read ${downloads}'],
    risk: 'medium',
    waiting: 1,
    createdAt: '2026-12-03T10:00:00.000Z',
    deadline: '2026-12-03T10:01:00.000Z',
    ...fields,
  };
}

test('the waiting count follows new, changed and closed questions', () => {
  const waiting = new WaitingPrompts();
  const first = waiting.apply('onPrompt', prompt('prompt-0001'));
  assert.equal(first.added?.id, 'prompt-0001');
  assert.equal(first.countChanged, true);
  const changed = waiting.apply('onPrompt', prompt('prompt-0001', { waiting: 3, deadline: null }));
  assert.deepEqual(changed, { added: null, countChanged: false }, 'a changed question is not new');
  waiting.apply('onPrompt', prompt('prompt-0002'));
  assert.equal(waiting.count, 2);
  const closed = waiting.apply('onPromptClosed', {
    id: 'prompt-0001',
    ext: 'acme.notes',
    why: 'answered',
    message: 'Answered',
  });
  assert.deepEqual(closed, { added: null, countChanged: true });
  const again = waiting.apply('onPromptClosed', {
    id: 'prompt-0001',
    ext: 'acme.notes',
    why: 'answered',
    message: 'Answered',
  });
  assert.equal(again.countChanged, false, 'closing twice changes nothing');
  assert.equal(waiting.count, 1);
  assert.deepEqual(waiting.apply('onAlert', {} as never), { added: null, countChanged: false });
  waiting.reset([prompt('prompt-0003'), prompt('prompt-0004'), prompt('prompt-0005')]);
  assert.equal(waiting.count, 3);
});

test('a notification only for a new question while the window cannot be seen', () => {
  const added = { added: prompt('prompt-0001'), countChanged: true };
  const seen = { visible: true, minimized: false, focused: true };
  assert.equal(shouldNotify(added, seen), false, 'the user is looking at the window');
  assert.equal(shouldNotify(added, { ...seen, focused: false }), true);
  assert.equal(shouldNotify(added, { ...seen, visible: false }), true);
  assert.equal(shouldNotify(added, { ...seen, minimized: true }), true);
  assert.equal(shouldNotify(added, null), true, 'no window at all (running in the background)');
  assert.equal(
    shouldNotify({ added: null, countChanged: false }, null),
    false,
    'a changed question does not notify again',
  );
});

test('the notification names the extension by its id only and offers no answer', () => {
  const n = promptNotification(prompt('prompt-0001'));
  assert.equal(n.body, 'acme.notes is waiting for your answer. Open Corral to see the question.');
  assert.doesNotMatch(`${n.title} ${n.body}`, /<b>|Downloads/);
  assert.deepEqual(n.actions, []);
  assert.equal(n.hasReply, false);
});

test('the tray tooltip counts in words', () => {
  assert.equal(trayTooltip(0), 'Corral');
  assert.equal(trayTooltip(1), 'Corral: 1 question waiting');
  assert.equal(trayTooltip(4), 'Corral: 4 questions waiting');
});

test('closing keeps extensions running only on an explicit setting', () => {
  const settings = {
    requireSignatures: false,
    promptTimeoutSeconds: 60,
    auditRetentionDays: 90,
    keepRunningInBackground: true,
  };
  assert.equal(closeAction({ ok: true, value: settings }), 'hide');
  assert.equal(
    closeAction({ ok: true, value: { ...settings, keepRunningInBackground: false } }),
    'quit',
  );
  assert.equal(
    closeAction({ ok: false, error: { code: 'internal', message: 'store closed' } }),
    'quit',
  );
  assert.equal(closeAction({ ok: true, value: { keepRunningInBackground: true } }), 'quit');
  assert.equal(closeAction({ ok: true, value: 'yes' }), 'quit');
});

test('the Install dialog picks one package file; cancel is null', () => {
  const options = packageDialogOptions();
  assert.deepEqual(options.properties, ['openFile', 'dontAddToRecent']);
  assert.deepEqual(options.filters?.[0]?.extensions, ['tgz', 'gz', 'tar', 'zip']);
  assert.equal(chosenPackage({ canceled: true, filePaths: ['/tmp/x.tgz'] }), null);
  assert.equal(chosenPackage({ canceled: false, filePaths: [] }), null);
  assert.equal(
    chosenPackage({ canceled: false, filePaths: ['/home/me/notes.tgz'] }),
    '/home/me/notes.tgz',
  );
});

const key = (
  k: string,
  mods: Partial<Record<'control' | 'meta' | 'alt' | 'shift', boolean>> = {},
) => ({
  type: 'keyDown',
  key: k,
  control: false,
  meta: false,
  alt: false,
  shift: false,
  ...mods,
});

test('a packaged build swallows the devtools and reload shortcuts, and only those', () => {
  for (const [input, why] of [
    [key('F12'), 'devtools'],
    [key('I', { control: true, shift: true }), 'devtools'],
    [key('i', { meta: true, alt: true }), 'devtools'],
    [key('J', { control: true, shift: true }), 'devtools'],
    [key('C', { meta: true, shift: true }), 'devtools'],
    [key('F5'), 'reload'],
    [key('r', { control: true }), 'reload'],
    [key('R', { meta: true, shift: true }), 'reload'],
  ] as const) {
    assert.equal(blockedShortcut(input, true), why, JSON.stringify(input));
    assert.equal(blockedShortcut(input, false), null, 'a checkout keeps them');
  }
  for (const input of [
    key('c', { control: true }),
    key('k', { control: true }),
    key('i'),
    key('Escape'),
  ]) {
    assert.equal(blockedShortcut(input, true), null, JSON.stringify(input));
  }
  assert.equal(blockedShortcut({ ...key('F12'), type: 'keyUp' }, true), null);
});

test('the packaged menu has no devtools or reload item, anywhere', () => {
  assert.equal(packagedMenuTemplate('linux'), null);
  const template = packagedMenuTemplate('darwin');
  const roles = JSON.stringify(template);
  assert.ok(roles.includes('"copy"'), 'copy and paste stay on macOS');
  for (const forbidden of ['toggleDevTools', 'reload', 'forceReload', 'viewMenu']) {
    assert.ok(!roles.includes(`"${forbidden}"`), forbidden);
  }
});
