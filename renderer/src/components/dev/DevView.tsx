// Debug: `corral dev` in the app. A form starts a session on an extension folder (production's
// sandbox and rules, with the relaxations asked for); each session shows what differs from
// production, its inline log, its question and its terminal.
import { useState } from 'react';
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { useHostAction } from '../common/use-host-action.ts';
import { DevSessionPanel } from './DevSessionPanel.tsx';

export function DevView() {
  const sessions = useCorral((s) => s.devSessions);
  const ids = Object.keys(sessions);
  return (
    <section className="view" aria-labelledby="debug-title">
      <header className="view-head">
        <div>
          <h1 id="debug-title">Debug</h1>
          <p className="view-sub">
            Run an extension folder in production&apos;s sandbox, with mock files and the
            relaxations you choose, each marked.
          </p>
        </div>
      </header>
      <DevStartForm />
      {ids.map((id) => (
        <DevSessionPanel key={id} session={sessions[id]!} />
      ))}
    </section>
  );
}

function DevStartForm() {
  const start = useHostAction(useCorral((s) => s.startDev));
  const [dir, setDir] = useState('');
  const [net, setNet] = useState<'deny' | 'log' | 'allow'>('deny');
  const [learn, setLearn] = useState(false);
  return (
    <form
      className="panel card dev-start"
      aria-label="Start a debug session"
      onSubmit={(e) => {
        e.preventDefault();
        void start.run({ dir: dir.trim(), net, learn });
      }}
    >
      <label className="field">
        <span>Extension folder</span>
        <input
          value={dir}
          required
          placeholder="/home/you/src/my-extension"
          onChange={(e) => setDir(e.target.value)}
        />
        <small>A path on the machine Corral runs on, holding corral.json.</small>
      </label>
      <label className="field">
        <span>Network</span>
        <select value={net} onChange={(e) => setNet(e.target.value as typeof net)}>
          <option value="deny">As in production</option>
          <option value="log">Allow what production denies, and show each access</option>
          <option value="allow">Allow what production denies</option>
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={learn} onChange={(e) => setLearn(e.target.checked)} />
        <span>
          Learning run
          <small>Records what the extension tries and proposes the smallest permissions.</small>
        </span>
      </label>
      <button type="submit" className="button button-primary" disabled={start.pending}>
        Start session
      </button>
      <ErrorLine error={start.error} />
    </form>
  );
}
