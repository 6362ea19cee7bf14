// Electron main, the desktop app's composition root: a thin adapter between one hardened window
// and the host service (app/service). Everything that decides lives in the small modules beside
// it and is tested without Electron; this file only wires them to Electron's objects.
import {
  BrowserWindow,
  Menu,
  Notification,
  app,
  dialog,
  ipcMain,
  nativeImage,
  protocol,
  session,
  shell,
} from 'electron';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { methods, type EventName, type EventPayload } from '../app/contract/index.ts';
import type { HostService, UiSession } from '../app/service/host-service.ts';
import { createHostService, createServices, type Services } from '../app/service/index.ts';
import { refusalRecorder, type RefusalRecorder } from '../app/service/refusal-recorder.ts';
import { APP_SCHEME_PRIVILEGES, appResponse } from './app-protocol.ts';
import { closeAction } from './close-behaviour.ts';
import { guardContents } from './contents-guard.ts';
import { iconPng } from './icon.ts';
import { registerContractHandlers, windowEventSink } from './ipc-table.ts';
import {
  OPEN_EXTERNAL_BUTTON,
  externalLinkQuestion,
  externalLinkTarget,
  isAllowedDownload,
  isAllowedRequest,
} from './navigation.ts';
import { chosenPackage, packageDialogOptions } from './package-dialog.ts';
import { blockedShortcut, packagedMenuTemplate } from './packaged-lockdown.ts';
import { installPermissionRefusals } from './permissions.ts';
import { createTray, type CorralTray } from './tray.ts';
import { WaitingPrompts, promptNotification, shouldNotify } from './waiting-prompts.ts';
import { APP_ENTRY_URL, APP_SCHEME, createMainWindow } from './window-options.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** Beside this bundle: dist/electron/preload.cjs, and the renderer build in dist/renderer/. */
const PRELOAD = join(here, 'preload.cjs');
const RENDERER_ROOT = join(here, '..', 'renderer');

/** One structured line on stderr: what main refused or could not do, for the log. */
function log(event: string, fields: Record<string, unknown>): void {
  process.stderr.write(
    `${JSON.stringify({ ts: new Date().toISOString(), src: 'main', event, ...fields })}\n`,
  );
}

/** The refusals that are requests (the rest are web permissions): their audit kind is net. */
const REQUEST_LIKE = new Set([
  'request',
  'download',
  'navigation',
  'frame navigation',
  'redirect',
  'webview',
  'new window',
]);

/**
 * Records one refusal of the window's session or contents: a log line, and an audit event like
 * every other denial (throttled per kind, nothing lost: app/service/refusal-recorder.ts).
 */
function refusalSink(door: RefusalRecorder) {
  return (what: string, url: string): void => {
    log('refused', { what, url });
    const kind = REQUEST_LIKE.has(what) ? 'net' : 'permission';
    door.refuse(what, url || 'the window', 'the window never needs it', kind);
  };
}

/** The desktop app while it runs: the host, the one window, the tray. */
class Desktop {
  private window: BrowserWindow | null = null;
  private quitting = false;
  private askingExternal = false;
  private readonly prompts = new WaitingPrompts();
  private readonly notifications = new Map<string, Notification>();
  private readonly session: UiSession;
  private tray: CorralTray | null = null;

  constructor(
    private readonly host: HostService,
    private readonly packaged: boolean,
    private readonly door: RefusalRecorder,
  ) {
    this.session = {
      id: randomUUID(),
      shell: 'electron',
      label: 'desktop window',
      choosePackageFile: () => this.choosePackageFile(),
    };
  }

  async start(): Promise<void> {
    registerContractHandlers(ipcMain, {
      host: this.host,
      session: this.session,
      window: () => this.window,
      onRefused: (method, reason) => {
        log('ipc-refused', { method, reason });
        this.door.refuse(`IPC call ${method}`, 'a frame that is not the window', reason, 'ipc');
      },
      onFault: (method, error) => log('ipc-fault', { method, error: String(error) }),
    });
    this.host.connect(
      this.session,
      windowEventSink(
        () => this.window,
        (name, payload) => this.observe(name, payload),
      ),
    );
    this.tray = createTray({ open: () => this.open(), quit: () => this.quit() });
    const listed = await this.host.call(this.session, 'prompts.list', {});
    const prompts = listed.ok ? methods['prompts.list'].output.safeParse(listed.value) : null;
    if (prompts?.success) {
      this.prompts.reset(prompts.data);
      this.tray.setWaiting(this.prompts.count);
    } else {
      // The badge then counts from the next event on; the window still shows every question.
      log('prompts-list-failed', { error: listed.ok ? 'malformed answer' : listed.error.message });
    }
    this.open();
  }

  /** Shows the window, creating it when there is none. */
  open(): void {
    const existing = this.window;
    if (existing && !existing.isDestroyed()) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return;
    }
    const window = createMainWindow(BrowserWindow, {
      preload: PRELOAD,
      packaged: this.packaged,
      icon: nativeImage.createFromBuffer(iconPng(256, false)),
    });
    this.window = window;
    window.once('ready-to-show', () => window.show());
    window.webContents.on('before-input-event', (event, input) => {
      const blocked = blockedShortcut(input, this.packaged);
      if (blocked) event.preventDefault();
    });
    if (this.packaged) {
      // devTools: false already removes them; this closes them should anything reopen them.
      window.webContents.on('devtools-opened', () => window.webContents.closeDevTools());
    }
    window.on('close', (event) => {
      if (this.quitting) return;
      event.preventDefault();
      void this.onClose();
    });
    window.on('closed', () => {
      if (this.window === window) this.window = null;
    });
    void window.loadURL(APP_ENTRY_URL);
  }

  /** Stops every extension and quits (the tray's Quit, or closing without "keep running"). */
  quit(): void {
    this.quitting = true;
    app.quit();
  }

  markQuitting(): void {
    this.quitting = true;
  }

  /** Closing the window: hide it when the user chose to keep extensions running, else quit. */
  private async onClose(): Promise<void> {
    const action = closeAction(await this.host.call(this.session, 'settings.get', {}));
    log('window-close', { action });
    if (action === 'hide') this.window?.hide();
    else this.quit();
  }

  /** Every event the host pushes: the badge follows the prompts; a new one may notify. */
  private observe<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const change = this.prompts.apply(name, payload);
    if (change.countChanged) this.tray?.setWaiting(this.prompts.count);
    if (name === 'onPromptClosed') {
      const id = (payload as EventPayload<'onPromptClosed'>).id;
      this.notifications.get(id)?.close();
      this.notifications.delete(id);
    }
    const window = this.window && !this.window.isDestroyed() ? this.window : null;
    const presence = window && {
      visible: window.isVisible(),
      minimized: window.isMinimized(),
      focused: window.isFocused(),
    };
    if (change.added && shouldNotify(change, presence) && Notification.isSupported()) {
      const prompt = change.added;
      const notification = new Notification({
        ...promptNotification(prompt),
        icon: nativeImage.createFromBuffer(iconPng(64, true)),
      });
      // A click opens the window, where the question waits; it never answers it.
      notification.on('click', () => this.open());
      notification.on('close', () => this.notifications.delete(prompt.id));
      this.notifications.set(prompt.id, notification);
      notification.show();
    }
  }

  /** extensions.choosePackage: the native file dialog, over our window. */
  private async choosePackageFile(): Promise<string | null> {
    const window = this.window;
    const result = window
      ? await dialog.showOpenDialog(window, packageDialogOptions())
      : await dialog.showOpenDialog(packageDialogOptions());
    return chosenPackage(result);
  }

  /** A link the page tried to open: only https, only after the user says so, one at a time. */
  offerExternal(url: string): void {
    const href = externalLinkTarget(url);
    const window = this.window;
    if (href === null || !window || this.askingExternal) return;
    this.askingExternal = true;
    void dialog
      .showMessageBox(window, externalLinkQuestion(href))
      .then(async ({ response }) => {
        // Reviewed: href is an https URL without credentials (externalLinkTarget), opened only
        // after the user chose "Open in browser" in a question that showed it in full.
        if (response === OPEN_EXTERNAL_BUTTON) await shell.openExternal(href); // eng-disable OPEN_EXTERNAL_JS_CHECK
        log('external-link', { href, opened: response === OPEN_EXTERNAL_BUTTON });
      })
      .catch((error: unknown) => log('external-link-failed', { href, error: String(error) }))
      .finally(() => {
        this.askingExternal = false;
      });
  }
}

/** Session-wide refusals: permissions, requests that leave app://, downloads that are not ours. */
function hardenSession(packaged: boolean, refused: (what: string, url: string) => void): void {
  const ses = session.defaultSession;
  installPermissionRefusals(ses, refused);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, packaged);
    if (!allowed) refused('request', details.url);
    callback({ cancel: !allowed });
  });
  ses.on('will-download', (event, item) => {
    if (isAllowedDownload(item.getURL())) return;
    event.preventDefault();
    refused('download', item.getURL());
  });
}

/** Runs the desktop app. */
function main(): void {
  // Before ready: every renderer in Chromium's OS sandbox, and app:// as a standard, secure scheme.
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  // One instance: a second launch focuses the first and exits.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let desktop: Desktop | null = null;
  let hostToClose: HostService | null = null;
  // Built once, lazily: the audit store opens on the first event, a refusal before the window
  // exists included.
  const services: Services = createServices({ env: process.env });
  const door = refusalRecorder((e) => services.audit(e), {
    op: 'window',
    who: 'the desktop window',
  });
  const refused = refusalSink(door);
  app.on('web-contents-created', (_event, contents) =>
    guardContents(contents, {
      offerExternal: (url) => desktop?.offerExternal(url),
      onRefused: refused,
    }),
  );
  app.on('second-instance', () => desktop?.open());
  app.on('activate', () => desktop?.open());
  app.on('before-quit', () => desktop?.markQuitting());
  app.on('window-all-closed', () => app.quit());
  // Extensions stop and the audit store is flushed before the process ends.
  app.on('will-quit', (event) => {
    const host = hostToClose;
    if (!host) return;
    hostToClose = null;
    event.preventDefault();
    door.flush();
    host
      .close()
      .catch((error: unknown) => log('host-close-failed', { error: String(error) }))
      .finally(() => app.quit());
  });

  void app
    .whenReady()
    .then(async () => {
      const packaged = app.isPackaged;
      hardenSession(packaged, refused);
      protocol.handle(APP_SCHEME, (request) => appResponse(RENDERER_ROOT, request, readFile));
      if (packaged) {
        const template = packagedMenuTemplate(process.platform);
        Menu.setApplicationMenu(template ? Menu.buildFromTemplate(template) : null);
      }
      const host = await createHostService({
        env: process.env,
        services,
        shell: 'electron',
        hostVersion: app.getVersion(),
      });
      hostToClose = host;
      desktop = new Desktop(host, packaged, door);
      await desktop.start();
    })
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      log('start-failed', { error: message });
      dialog.showErrorBox('Corral could not start', message);
      app.exit(1);
    });
}

main();
