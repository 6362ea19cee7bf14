// Preferences: signatures required, how long a prompt waits, how long audit events are kept, and
// whether extensions keep running when the desktop window closes. Saved together.
import { useId, useState } from 'react';
import type { Settings } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { useHostAction } from '../common/use-host-action.ts';
import { NumberField, inRange } from './NumberField.tsx';

export function PreferencesForm({
  settings,
  saved,
  onSaved,
}: {
  settings: Settings;
  /** The last save worked and nothing was changed since. */
  saved: boolean;
  onSaved: (saved: boolean) => void;
}) {
  const save = useHostAction(useCorral((s) => s.saveSettings));
  const shell = useCorral((s) => s.hello?.shell);
  const [draft, setDraft] = useState(settings);
  const [timeout, setTimeoutText] = useState(String(settings.promptTimeoutSeconds));
  const [retention, setRetention] = useState(String(settings.auditRetentionDays));
  const timeoutOk = inRange(timeout, 10, 600);
  const retentionOk = inRange(retention, 0, 3650);
  const submit = async () => {
    onSaved(false);
    const failure = await save.run({
      ...draft,
      promptTimeoutSeconds: Number(timeout),
      auditRetentionDays: Number(retention),
    });
    onSaved(failure === null);
  };
  return (
    <form
      className="panel card"
      aria-labelledby="preferences-title"
      onChange={() => onSaved(false)}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="preferences-title">Preferences</h2>
      <CheckField
        label="Require signatures"
        help="Refuse packages not signed with one of your trusted keys."
        checked={draft.requireSignatures}
        onChange={(requireSignatures) => setDraft({ ...draft, requireSignatures })}
      />
      <NumberField
        label="Prompt timeout (seconds)"
        value={timeout}
        min={10}
        max={600}
        unit="seconds"
        help="An unanswered prompt counts as Deny for that one request after this long."
        onChange={setTimeoutText}
      />
      <NumberField
        label="Keep audit events for (days)"
        value={retention}
        min={0}
        max={3650}
        unit="days"
        help="0 keeps them forever."
        onChange={setRetention}
      />
      <CheckField
        label="Keep extensions running when the window closes"
        help={
          shell === 'electron'
            ? 'Corral stays in the tray while extensions run.'
            : 'For the desktop app; a browser tab does not stop the host when it closes.'
        }
        checked={draft.keepRunningInBackground}
        onChange={(keepRunningInBackground) => setDraft({ ...draft, keepRunningInBackground })}
      />
      <ErrorLine error={save.error} />
      <div className="form-buttons">
        {saved && (
          <span className="muted" role="status">
            Saved.
          </span>
        )}
        <button
          type="submit"
          className="button button-primary"
          disabled={save.pending || !timeoutOk || !retentionOk}
        >
          Save settings
        </button>
      </div>
    </form>
  );
}

function CheckField({
  label,
  help,
  checked,
  onChange,
}: {
  label: string;
  help: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="check">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        aria-describedby={`${id}-help`}
        onChange={(e) => onChange(e.target.checked)}
      />
      <div>
        <label htmlFor={id}>{label}</label>
        <small id={`${id}-help`}>{help}</small>
      </div>
    </div>
  );
}
