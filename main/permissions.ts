// Every web permission the window could ask for is denied: camera, microphone, geolocation,
// notifications, clipboard reads, HID, serial, USB, Bluetooth, screen capture. Corral's UI needs
// none of them, and a page that asks is either a bug or an attack; each refusal is recorded.
import type { Session, WebContents } from 'electron';

/** Told about each refused request: what was asked and by which page. */
export type OnDenied = (permission: string, requestingUrl: string) => void;

/**
 * Installs the refusals on a session: permission requests and checks, device pickers and
 * permissions, display capture and Bluetooth pairing are all answered "no".
 */
export function installPermissionRefusals(session: Session, onDenied: OnDenied): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    onDenied(permission, details.requestingUrl);
    callback(false);
  });
  // Checks are synchronous queries ("may this page use X?"): the same answer, without a record,
  // because Chromium asks them on its own for many ordinary page loads.
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler((details) => {
    onDenied(`device:${details.deviceType}`, details.origin);
    return false;
  });
  session.setDisplayMediaRequestHandler((request, callback) => {
    onDenied('display-capture', request.securityOrigin);
    callback(null);
  });
  session.setBluetoothPairingHandler((_details, callback) => {
    onDenied('bluetooth-pairing', '');
    callback({ confirmed: false });
  });
  // Device choosers: prevent the default (which would pick the first device) and choose none.
  session.on('select-hid-device', (event, details, callback) => {
    event.preventDefault();
    onDenied('hid', details.frame?.url ?? '');
    callback(null);
  });
  session.on('select-serial-port', (event, _ports, contents, callback) => {
    event.preventDefault();
    onDenied('serial', contents.getURL());
    callback('');
  });
  session.on('select-usb-device', (event, details, callback) => {
    event.preventDefault();
    onDenied('usb', details.frame?.url ?? '');
    callback();
  });
}

/** The Bluetooth chooser lives on each WebContents: choose no device. */
export function refuseBluetoothChooser(
  contents: Pick<WebContents, 'on' | 'getURL'>,
  onDenied: OnDenied,
): void {
  contents.on('select-bluetooth-device', (event, _devices, callback) => {
    event.preventDefault();
    onDenied('bluetooth', contents.getURL());
    callback('');
  });
}
