// The time left before an unanswered prompt counts as Deny, from the host's deadline; once anyone
// interacted with the prompt the host clears the deadline and the countdown says it stopped.
import { useNow } from '../common/use-now.ts';

export function PromptCountdown({
  deadline,
  createdAt,
}: {
  deadline: string | null;
  createdAt: string;
}) {
  const now = useNow(250, deadline !== null);
  if (deadline === null)
    return (
      <p className="countdown countdown-stopped">Countdown stopped: it waits for your answer.</p>
    );
  const end = Date.parse(deadline);
  const start = Date.parse(createdAt);
  const left = Math.max(0, Math.ceil((end - now) / 1000));
  const span = end - start;
  const fraction = span > 0 ? Math.min(1, Math.max(0, (end - now) / span)) : 0;
  return (
    <div className="countdown">
      <p>
        {left > 0
          ? `Denied in ${left} s if you do not answer.`
          : 'No answer: denying this request…'}
      </p>
      <div className="countdown-track" aria-hidden="true">
        <div className="countdown-fill" style={{ transform: `scaleX(${fraction})` }} />
      </div>
    </div>
  );
}
