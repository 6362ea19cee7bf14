// What a packaged build takes away from the keyboard and the menu: the devtools and reload
// shortcuts (before-input-event), and every menu item that would open devtools. A development
// checkout keeps them.
import type { MenuItemConstructorOptions } from 'electron';

/** The parts of Electron's before-input-event Input the decision reads. */
export interface KeyInput {
  type: string;
  key: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
}

/**
 * Why a key press is swallowed in a packaged build (devtools or reload), or null to let it
 * through. Ctrl on Linux and Windows, Cmd on macOS: both are checked on every platform.
 */
export function blockedShortcut(input: KeyInput, packaged: boolean): string | null {
  if (!packaged || input.type !== 'keyDown') return null;
  const key = input.key.toLowerCase();
  const mod = input.control || input.meta;
  if (key === 'f12') return 'devtools';
  if (mod && input.shift && ['i', 'j', 'c'].includes(key)) return 'devtools';
  if (mod && input.alt && ['i', 'j', 'c'].includes(key)) return 'devtools';
  if (key === 'f5' || (mod && key === 'r')) return 'reload';
  return null;
}

/**
 * The application menu of a packaged build: on macOS the app, edit and window menus (copy and
 * paste need the Edit menu there); elsewhere none. Neither has View, so no devtools or reload.
 */
export function packagedMenuTemplate(
  platform: NodeJS.Platform,
): MenuItemConstructorOptions[] | null {
  if (platform !== 'darwin') return null;
  return [
    {
      role: 'appMenu',
      submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'quit' }],
    },
    {
      role: 'editMenu',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { role: 'windowMenu', submenu: [{ role: 'minimize' }, { role: 'close' }] },
  ];
}
