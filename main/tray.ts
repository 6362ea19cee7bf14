// The tray icon: opens the window, quits Corral, and shows the number of questions waiting (a red
// dot on the icon, the count in its tooltip, in the menu bar title on macOS and on the dock or
// launcher badge where the desktop has one).
import { Menu, Tray, app, nativeImage } from 'electron';
import { iconPng } from './icon.ts';
import { trayTooltip } from './waiting-prompts.ts';

export interface CorralTray {
  setWaiting(count: number): void;
  destroy(): void;
}

/** Drawn at 32 px for a 16 px slot, so it stays sharp on high-density screens. */
const trayImage = (badge: boolean) =>
  nativeImage.createFromBuffer(iconPng(32, badge), { scaleFactor: 2 });

/** Creates the tray icon and its menu. */
export function createTray(actions: { open: () => void; quit: () => void }): CorralTray {
  const tray = new Tray(trayImage(false));
  tray.setToolTip(trayTooltip(0));
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Corral', click: actions.open },
      { type: 'separator' },
      { label: 'Quit Corral (stops every extension)', click: actions.quit },
    ]),
  );
  tray.on('click', actions.open);
  return {
    setWaiting(count) {
      tray.setImage(trayImage(count > 0));
      tray.setToolTip(trayTooltip(count));
      if (process.platform === 'darwin') tray.setTitle(count > 0 ? String(count) : '');
      // A no-op where the desktop shows no badge (it returns false there).
      app.setBadgeCount(count);
    },
    destroy: () => tray.destroy(),
  };
}
