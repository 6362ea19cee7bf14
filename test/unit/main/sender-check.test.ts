// The IPC sender check: only the main frame of our own window, at an app://corral page, passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isAppUrl,
  senderRefusal,
  type FrameLike,
  type IpcEventLike,
  type WindowLike,
} from '../../../main/sender-check.ts';

const mainFrame: FrameLike = {
  url: 'app://corral/index.html',
  parent: null,
  processId: 7,
  routingId: 1,
};

function ourWindow(frame: FrameLike = mainFrame, destroyed = false): WindowLike {
  return { isDestroyed: () => destroyed, webContents: { id: 3, mainFrame: frame } };
}

const fromOurMainFrame: IpcEventLike = { sender: { id: 3 }, senderFrame: mainFrame };

test('our window main frame at app://corral passes (the positive control)', () => {
  assert.equal(senderRefusal(fromOurMainFrame, ourWindow()), null);
  assert.equal(
    senderRefusal(
      { sender: { id: 3 }, senderFrame: { ...mainFrame, url: 'app://corral/index.html#/log' } },
      ourWindow({ ...mainFrame, url: 'app://corral/index.html#/log' }),
    ),
    null,
  );
});

test('another WebContents is refused', () => {
  assert.match(
    senderRefusal({ ...fromOurMainFrame, sender: { id: 4 } }, ourWindow()) ?? '',
    /not the Corral window/,
  );
});

test('a subframe of our window is refused, even at an app:// URL', () => {
  const sub = { ...mainFrame, parent: mainFrame, routingId: 2 };
  assert.match(
    senderRefusal({ sender: { id: 3 }, senderFrame: sub }, ourWindow()) ?? '',
    /not the main frame/,
  );
  // A frame claiming to be top-level but with another routing id is not our main frame either.
  const other = { ...mainFrame, routingId: 9 };
  assert.match(
    senderRefusal({ sender: { id: 3 }, senderFrame: other }, ourWindow()) ?? '',
    /not the main frame/,
  );
  const otherProcess = { ...mainFrame, processId: 8 };
  assert.match(
    senderRefusal({ sender: { id: 3 }, senderFrame: otherProcess }, ourWindow()) ?? '',
    /not the main frame/,
  );
});

test('a main frame showing anything but app://corral is refused', () => {
  for (const url of [
    'https://corral.example/index.html',
    'file:///opt/Corral/resources/app.asar/dist/renderer/index.html',
    'app://evil/index.html',
    'app://user:pw@corral/index.html',
    'about:blank',
    'data:text/html,<script>1</script>',
    'not a url',
  ]) {
    const frame = { ...mainFrame, url };
    assert.notEqual(
      senderRefusal({ sender: { id: 3 }, senderFrame: frame }, ourWindow(frame)),
      null,
      url,
    );
  }
});

test('a frame that is gone, or a window that is closed, is refused', () => {
  assert.match(senderRefusal({ sender: { id: 3 }, senderFrame: null }, ourWindow()) ?? '', /gone/);
  assert.match(senderRefusal(fromOurMainFrame, null) ?? '', /no Corral window/);
  assert.match(
    senderRefusal(fromOurMainFrame, ourWindow(mainFrame, true)) ?? '',
    /no Corral window/,
  );
});

test('isAppUrl accepts app://corral pages only', () => {
  assert.equal(isAppUrl('app://corral/'), true);
  assert.equal(isAppUrl('app://corral/assets/index-abc.js'), true);
  assert.equal(isAppUrl('app://corral.evil/'), false);
  assert.equal(isAppUrl('apps://corral/'), false);
  // Chromium reports a standard scheme's host in lower case; anything else fails closed.
  assert.equal(isAppUrl('APP://corral/'), true, 'the scheme is case-insensitive');
  assert.equal(isAppUrl('app://CORRAL/'), false, 'an unnormalised host is refused');
});
