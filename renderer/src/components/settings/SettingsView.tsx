// Settings: preferences, trusted publisher keys, and the "Deny always" answers.
import { useState } from 'react';
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { DeniedAlwaysList } from './DeniedAlwaysList.tsx';
import { PreferencesForm } from './PreferencesForm.tsx';
import { TrustedKeys } from './TrustedKeys.tsx';

export function SettingsView() {
  const settings = useCorral((s) => s.settings);
  const error = useCorral((s) => s.settingsError);
  // Kept here: the form starts afresh from the host's answer after each save.
  const [saved, setSaved] = useState(false);
  return (
    <section className="view" aria-labelledby="settings-title">
      <header className="view-head">
        <div>
          <h1 id="settings-title">Settings</h1>
          <p className="view-sub">Apply to every extension, in every window.</p>
        </div>
      </header>
      <ErrorLine error={error} />
      <div className="settings-grid">
        {settings && (
          <PreferencesForm
            key={JSON.stringify(settings)}
            settings={settings}
            saved={saved}
            onSaved={setSaved}
          />
        )}
        <TrustedKeys />
        <DeniedAlwaysList />
      </div>
    </section>
  );
}
