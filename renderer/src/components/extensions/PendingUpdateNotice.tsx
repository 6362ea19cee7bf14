// An update that waits for the user's consent, and the way to review it.
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { useHostAction } from '../common/use-host-action.ts';

export function PendingUpdateNotice({ id, version }: { id: string; version: string }) {
  const review = useHostAction(useCorral((s) => s.reviewUpdate));
  return (
    <div className="notice notice-info">
      <p>
        Version {version} is ready and waits for your approval: it asks for different permissions.
      </p>
      <button
        type="button"
        className="button button-primary"
        disabled={review.pending}
        onClick={() => void review.run(id)}
      >
        Review update
      </button>
      <ErrorLine error={review.error} />
    </div>
  );
}
