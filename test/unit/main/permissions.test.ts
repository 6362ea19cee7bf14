// Every permission request and check is denied, device choosers choose nothing, and each request
// is recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Session } from 'electron';
import { installPermissionRefusals } from '../../../main/permissions.ts';

function fakeSession() {
  const handlers: Record<string, (...args: unknown[]) => unknown> = {};
  const events: Record<string, (...args: unknown[]) => unknown> = {};
  const record =
    (name: string) =>
    (fn: (...args: unknown[]) => unknown): void => {
      handlers[name] = fn;
    };
  const session = {
    setPermissionRequestHandler: record('request'),
    setPermissionCheckHandler: record('check'),
    setDevicePermissionHandler: record('device'),
    setDisplayMediaRequestHandler: record('display'),
    setBluetoothPairingHandler: record('pairing'),
    on: (name: string, fn: (...args: unknown[]) => unknown) => {
      events[name] = fn;
      return session;
    },
  };
  return { session: session as unknown as Session, handlers, events };
}

const PERMISSIONS = [
  'media',
  'geolocation',
  'notifications',
  'clipboard-read',
  'clipboard-sanitized-write',
  'openExternal',
  'fullscreen',
  'hid',
  'serial',
  'usb',
  'display-capture',
  'unknown',
];

test('every permission request is denied and recorded', () => {
  const fake = fakeSession();
  const denied: [string, string][] = [];
  installPermissionRefusals(fake.session, (p, url) => denied.push([p, url]));
  for (const permission of PERMISSIONS) {
    let answer: boolean | null = null;
    fake.handlers.request!({}, permission, (granted: boolean) => (answer = granted), {
      requestingUrl: 'app://corral/index.html',
    });
    assert.equal(answer, false, permission);
  }
  assert.deepEqual(
    denied.map(([p]) => p),
    PERMISSIONS,
  );
});

test('every permission check answers no', () => {
  const fake = fakeSession();
  installPermissionRefusals(fake.session, () => {});
  for (const permission of PERMISSIONS) {
    assert.equal(fake.handlers.check!(null, permission, 'app://corral', {}), false, permission);
  }
});

test('devices, display capture and Bluetooth pairing are refused', () => {
  const fake = fakeSession();
  const denied: string[] = [];
  installPermissionRefusals(fake.session, (p) => denied.push(p));
  assert.equal(fake.handlers.device!({ deviceType: 'usb', origin: 'app://corral' }), false);
  let streams: unknown = 'untouched';
  fake.handlers.display!({ securityOrigin: 'app://corral' }, (s: unknown) => (streams = s));
  assert.equal(streams, null);
  let pairing: unknown = null;
  fake.handlers.pairing!({}, (r: unknown) => (pairing = r));
  assert.deepEqual(pairing, { confirmed: false });
  assert.deepEqual(denied, ['device:usb', 'display-capture', 'bluetooth-pairing']);
});

test('device choosers are prevented and choose nothing', () => {
  const fake = fakeSession();
  const denied: string[] = [];
  installPermissionRefusals(fake.session, (p) => denied.push(p));
  const cases: [string, unknown[], unknown][] = [
    ['select-hid-device', [{ deviceList: [{ deviceId: 'h1' }], frame: null }], null],
    ['select-serial-port', [[{ portId: 's1' }], { getURL: () => 'app://corral/' }], ''],
    ['select-usb-device', [{ deviceList: [{ deviceId: 'u1' }], frame: null }], undefined],
  ];
  for (const [name, args, expected] of cases) {
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    let chosen: unknown = 'untouched';
    fake.events[name]!(event, ...args, (id?: unknown) => (chosen = id));
    assert.equal(event.prevented, true, name);
    assert.equal(chosen, expected, name);
  }
  assert.deepEqual(denied, ['hid', 'serial', 'usb']);
});
