// One permission question, above every view: the question as the dialog's name, what it reaches,
// what an "always" answer would record, the countdown to Deny, and the four answers. Touching the
// prompt stops its countdown; the answers wake up a second after it appears or the window returns.
import { useEffect, useId } from 'react';
import type { PromptAnswerView, PromptClosed, PromptView } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import { RiskBadge } from '../common/Badges.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { Modal } from '../common/Modal.tsx';
import { RuleList } from '../common/RuleList.tsx';
import { useHostAction } from '../common/use-host-action.ts';
import { PromptCountdown } from './PromptCountdown.tsx';
import { useArmDelay } from './use-arm-delay.ts';

/** How long a question closed elsewhere stays on screen with its reason. */
export const CLOSED_NOTICE_MS = 4000;

const ANSWERS: { answer: PromptAnswerView; label: string; className: string }[] = [
  { answer: 'deny', label: 'Deny', className: 'button' },
  { answer: 'deny-always', label: 'Deny always', className: 'button' },
  { answer: 'allow-once', label: 'Allow once', className: 'button' },
  { answer: 'allow-always', label: 'Allow always', className: 'button' },
];

export function PromptDialog({
  prompt,
  closure,
  total,
}: {
  prompt: PromptView;
  closure: PromptClosed | null;
  total: number;
}) {
  const answerPrompt = useCorral((s) => s.answerPrompt);
  const holdPrompt = useCorral((s) => s.holdPrompt);
  const dismissPrompt = useCorral((s) => s.dismissPrompt);
  const answer = useHostAction(answerPrompt);
  const hold = useHostAction(holdPrompt);
  const { armed, reason } = useArmDelay();
  const ids = useId();
  const questionId = `${ids}-question`;
  const detailsId = `${ids}-details`;
  const inertId = `${ids}-inert`;

  useEffect(() => {
    if (!closure) return;
    const timer = setTimeout(() => dismissPrompt(prompt.id), CLOSED_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [closure, dismissPrompt, prompt.id]);

  const interact = () => {
    if (!closure && prompt.deadline !== null) void hold.run(prompt.id);
  };
  const ready = armed && !answer.pending;

  return (
    <Modal
      role="alertdialog"
      labelledBy={questionId}
      describedBy={detailsId}
      className="prompt-dialog"
      onKeyDownCapture={interact}
      onPointerDownCapture={interact}
    >
      <div className="prompt-head">
        <span className="prompt-kicker">
          Permission request{total > 1 ? ` · 1 of ${total}` : ''}
        </span>
        <RiskBadge risk={prompt.risk} />
      </div>
      <h2 id={questionId} className="prompt-question">
        <ExtensionText text={prompt.question} />
      </h2>
      <dl id={detailsId} className="prompt-facts">
        <dt>Extension</dt>
        <dd>
          <ExtensionText text={prompt.extName} /> <span className="muted mono">({prompt.ext})</span>
        </dd>
        <dt>Reaches</dt>
        <dd className="mono">
          <ExtensionText text={prompt.target} />
        </dd>
        {prompt.rules.length > 0 && (
          <>
            <dt>“Always” records</dt>
            <dd>
              <RuleList rules={prompt.rules} />
            </dd>
          </>
        )}
      </dl>
      {prompt.waiting > 1 && (
        <p className="prompt-waiting">{prompt.waiting} identical requests wait for this answer.</p>
      )}
      {closure ? (
        <div className="prompt-closed">
          <p role="status">
            <ExtensionText text={closure.message} />
          </p>
          <button type="button" className="button" onClick={() => dismissPrompt(prompt.id)}>
            Close
          </button>
        </div>
      ) : (
        <>
          <PromptCountdown deadline={prompt.deadline} createdAt={prompt.createdAt} />
          <div className="prompt-answers">
            {ANSWERS.map(({ answer: value, label, className }) => (
              <button
                key={value}
                type="button"
                className={`${className} answer-${value}`}
                aria-disabled={!ready}
                aria-describedby={armed ? undefined : inertId}
                onClick={() => {
                  if (ready) void answer.run(prompt.id, value);
                }}
              >
                {label}
              </button>
            ))}
          </div>
          <p className="prompt-help">
            <strong>Allow once</strong> lasts until the extension stops.{' '}
            <strong>Deny always</strong> stops this question until you reset it in Settings. No
            answer counts as Deny for this request only.
          </p>
          {!armed && (
            <p className="prompt-inert" id={inertId}>
              {reason === 'appeared'
                ? 'The answers wake up in a second, so that a click or key press meant for something else cannot answer.'
                : 'The window just came back: the answers wake up in a second, so that a click meant for another window cannot answer.'}
            </p>
          )}
          <ErrorLine error={answer.error ?? hold.error} />
        </>
      )}
    </Modal>
  );
}
