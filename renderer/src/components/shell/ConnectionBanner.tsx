// The connection to the host when it is not open: "Reconnecting…", and after a few failed tries,
// what the user can do.
import { useCorral } from '../../store/store-context.tsx';

/** Failed tries after which the banner says more than "Reconnecting…". */
const PATIENCE = 3;

export function ConnectionBanner() {
  const connection = useCorral((s) => s.connection);
  if (connection.state === 'open') return null;
  return (
    <div className="connection-banner" role="status">
      {connection.state === 'connecting' ? (
        <p>Connecting to Corral…</p>
      ) : (
        <p>
          <strong>Reconnecting…</strong> The connection to the Corral host was lost; what you see
          may be out of date.
          {connection.attempts >= PATIENCE &&
            ' If you restarted corral serve, open the new address it printed.'}
        </p>
      )}
    </div>
  );
}
