// Trusted publisher keys: a package signed with one of them is known to come from that publisher.
import { useState } from 'react';
import { useCorral } from '../../store/store-context.tsx';
import { ActionRow } from '../common/ActionRow.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { formatDateTime } from '../common/format.ts';
import { useHostAction } from '../common/use-host-action.ts';

export function TrustedKeys() {
  const keys = useCorral((s) => s.trustedKeys);
  const remove = useCorral((s) => s.removeTrustedKey);
  return (
    <section className="panel card" aria-labelledby="keys-title">
      <h2 id="keys-title">Trusted publisher keys</h2>
      {keys.length === 0 ? (
        <p className="muted">No key is trusted: every signature shows as untrusted.</p>
      ) : (
        <ul className="row-list">
          {keys.map((k) => (
            <ActionRow key={k.keyId} label="Remove" action={() => remove(k.keyId)}>
              <strong>
                <ExtensionText text={k.publisher} />
              </strong>{' '}
              <span className="mono muted">{k.keyId}</span>
              <div className="muted">Added {formatDateTime(k.addedAt)}</div>
            </ActionRow>
          ))}
        </ul>
      )}
      <AddKeyForm />
    </section>
  );
}

function AddKeyForm() {
  const add = useHostAction(useCorral((s) => s.addTrustedKey));
  const [publisher, setPublisher] = useState('');
  const [pem, setPem] = useState('');
  const submit = async () => {
    if ((await add.run(publisher.trim(), pem.trim())) === null) {
      setPublisher('');
      setPem('');
    }
  };
  return (
    <form
      className="add-key"
      aria-label="Trust a publisher key"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label className="field">
        <span>Publisher</span>
        <input
          value={publisher}
          required
          maxLength={63}
          pattern="[a-z0-9][a-z0-9\-]*"
          placeholder="acme"
          onChange={(e) => setPublisher(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Public key (PEM)</span>
        <textarea
          value={pem}
          required
          rows={4}
          className="mono"
          placeholder="-----BEGIN PUBLIC KEY-----"
          onChange={(e) => setPem(e.target.value)}
        />
      </label>
      <ErrorLine error={add.error} />
      <div className="form-buttons">
        <button
          type="submit"
          className="button"
          disabled={add.pending || !publisher.trim() || !pem.trim()}
        >
          Trust key
        </button>
      </div>
    </form>
  );
}
