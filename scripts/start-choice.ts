// What `npm start` opens: the desktop window when Electron's binary is installed, the app is built
// and there is a display to show it on; otherwise the browser UI (corral serve), after one line
// that says why. A decision apart from the launching, so a test can make it without Electron.
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type StartChoice =
  { kind: 'electron'; binary: string; args: string[] } | { kind: 'serve'; reason: string };

export interface StartFacts {
  /** The Electron executable, or null when it is not installed. */
  electronBinary: string | null;
  /** dist/electron/main.cjs exists. */
  mainBuilt: boolean;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** The built main, passed to Electron. */
  mainPath: string;
}

const SERVE_INSTEAD = 'starting the browser UI (corral serve) instead';

/** Chooses the desktop window or corral serve, with the reason for the latter. */
export function chooseStart(facts: StartFacts): StartChoice {
  if (facts.electronBinary === null) {
    return {
      kind: 'serve',
      reason: `Corral: Electron's binary is not installed (node_modules/electron/dist is missing: its download failed or was skipped), so the desktop window cannot open; ${SERVE_INSTEAD}.`,
    };
  }
  if (!facts.mainBuilt) {
    return {
      kind: 'serve',
      reason: `Corral: the desktop app is not built (${facts.mainPath} is missing; run npm run build); ${SERVE_INSTEAD}.`,
    };
  }
  if (facts.platform === 'linux' && !facts.env.DISPLAY && !facts.env.WAYLAND_DISPLAY) {
    return {
      kind: 'serve',
      reason: `Corral: no graphical display (DISPLAY and WAYLAND_DISPLAY are unset), so the desktop window cannot open; ${SERVE_INSTEAD}.`,
    };
  }
  return { kind: 'electron', binary: facts.electronBinary, args: [facts.mainPath] };
}

/**
 * The Electron executable the electron package would run, found the way its index.js finds it
 * (path.txt, ELECTRON_OVERRIDE_DIST_PATH) but without requiring it: requiring it starts a
 * download, which fails offline. Null when it is not there or not executable.
 */
export function findElectronBinary(electronPackage: string, env: NodeJS.ProcessEnv): string | null {
  let relative: string | null = null;
  try {
    relative = readFileSync(join(electronPackage, 'path.txt'), 'utf8').trim();
  } catch {
    // no path.txt: the binary was never downloaded
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override
    ? join(override, relative || 'electron')
    : relative
      ? join(electronPackage, 'dist', relative)
      : null;
  if (binary === null) return null;
  try {
    accessSync(binary, constants.X_OK);
    return binary;
  } catch {
    return null;
  }
}
