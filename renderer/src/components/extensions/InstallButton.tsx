// Install extension: in the desktop window the system's file dialog (the host stages the chosen
// file); in a browser tab a file picker whose bytes are uploaded. Either way nothing is installed
// yet: the consent sheet comes next.
import { useRef, useState } from 'react';
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { useHostAction } from '../common/use-host-action.ts';
import { readPackageFile } from './read-package-file.ts';

export function InstallButton() {
  const shell = useCorral((s) => s.hello?.shell);
  const stage = useHostAction(useCorral((s) => s.stagePackage));
  const choose = useHostAction(useCorral((s) => s.choosePackage));
  const [readError, setReadError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const busy = reading || stage.pending || choose.pending;

  const onClick = () => {
    setReadError(null);
    if (shell === 'electron') void choose.run();
    else input.current?.click();
  };
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setReading(true);
    const upload = await readPackageFile(file);
    setReading(false);
    if (input.current) input.current.value = '';
    if ('error' in upload) setReadError(upload.error);
    else await stage.run(upload);
  };

  return (
    <div className="install">
      <button type="button" className="button button-primary" disabled={busy} onClick={onClick}>
        Install extension
      </button>
      <input
        ref={input}
        type="file"
        accept=".tgz,.tar.gz,.tar,.zip"
        aria-label="Package file"
        className="visually-hidden"
        tabIndex={-1}
        onChange={(e) => void onFile(e.target.files?.[0])}
      />
      {busy && (
        <p className="muted" role="status">
          Checking the package…
        </p>
      )}
      <ErrorLine error={readError ?? stage.error ?? choose.error} />
    </div>
  );
}
