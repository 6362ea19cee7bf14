// Export of the filtered Access log, in the audit store's own CSV or JSON-lines format, as a
// download.
import { useState } from 'react';
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { formatCount } from '../common/format.ts';

type Format = 'csv' | 'jsonl';

function download(fileName: string, mimeType: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click starts the download synchronously; the URL may go once it has been read.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function ExportButtons() {
  const exportAudit = useCorral((s) => s.exportAudit);
  const [pending, setPending] = useState<Format | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = async (format: Format) => {
    setPending(format);
    setError(null);
    setDone(null);
    const result = await exportAudit(format);
    setPending(null);
    if (!result.ok) return setError(result.error.message);
    download(result.value.fileName, result.value.mimeType, result.value.content);
    setDone(
      `Exported ${formatCount(result.value.events)} events to ${result.value.fileName}` +
        (result.value.truncated ? ' (cut at the export cap: narrow the filter for the rest)' : ''),
    );
  };
  return (
    <div className="export">
      <button
        type="button"
        className="button"
        disabled={pending !== null}
        onClick={() => void run('csv')}
      >
        Export CSV
      </button>
      <button
        type="button"
        className="button"
        disabled={pending !== null}
        onClick={() => void run('jsonl')}
      >
        Export JSON lines
      </button>
      {done && (
        <span className="muted export-done" role="status">
          {done}
        </span>
      )}
      <ErrorLine error={error} />
    </div>
  );
}
