// The desktop's own file dialog for Install: one package file (.tgz, .tar.gz, .tar, .zip), the
// path handed to the host, which stages it and shows the consent sheet. Nothing installs here.
import type { OpenDialogOptions, OpenDialogReturnValue } from 'electron';

/** The dialog's options: one existing file, filtered to the package formats the manager reads. */
export function packageDialogOptions(): OpenDialogOptions {
  return {
    title: 'Choose an extension package',
    buttonLabel: 'Choose',
    properties: ['openFile', 'dontAddToRecent'],
    filters: [
      { name: 'Corral extension packages', extensions: ['tgz', 'gz', 'tar', 'zip'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
}

/** The chosen path, or null when the user cancelled. */
export function chosenPackage(
  result: Pick<OpenDialogReturnValue, 'canceled' | 'filePaths'>,
): string | null {
  if (result.canceled) return null;
  return result.filePaths[0] ?? null;
}
