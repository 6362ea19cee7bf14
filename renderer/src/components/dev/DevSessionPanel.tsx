// One debug session: the extension and its state, every way the session differs from production,
// the extension's question, the inline log (what only debug mode allowed is marked), the terminal,
// a form to run one of its commands, and the learning run's proposal to review.
import type { DevLogLine, DevSessionView } from '../../../../app/contract/index.ts';
import { useCorral } from '../../store/store-context.tsx';
import { ErrorLine } from '../common/ErrorLine.tsx';
import { ExtensionText } from '../common/ExtensionText.tsx';
import { useHostAction } from '../common/use-host-action.ts';
import { DevCommandForm } from './DevCommandForm.tsx';
import { DevProposalReview } from './DevProposalReview.tsx';
import { DevTerminal } from './DevTerminal.tsx';

const NO_LINES: DevLogLine[] = [];

export function DevSessionPanel({ session }: { session: DevSessionView }) {
  const name = session.extension?.name ?? session.dir;
  const stop = useHostAction(useCorral((s) => s.stopDev));
  const reload = useHostAction(useCorral((s) => s.reloadDev));
  const titleId = `dev-${session.id}-title`;
  return (
    <section className="panel card dev-session" aria-labelledby={titleId}>
      <header className="dev-session-head">
        <h2 id={titleId}>
          <ExtensionText text={name} />
        </h2>
        <p className={`pill dev-state dev-state-${session.state}`} role="status">
          {session.state}: <ExtensionText text={session.detail} />
        </p>
        <div className="dev-actions">
          <button
            type="button"
            className="button button-small"
            disabled={reload.pending}
            onClick={() => void reload.run(session.id)}
          >
            Reload
          </button>
          <button
            type="button"
            className="button button-small button-danger"
            disabled={stop.pending}
            onClick={() => void stop.run(session.id)}
          >
            Stop session
          </button>
        </div>
      </header>
      <ErrorLine error={stop.error ?? reload.error} />
      <h3 id={`dev-${session.id}-relaxations`}>Not production</h3>
      <ul className="dev-relaxations" aria-labelledby={`dev-${session.id}-relaxations`}>
        {session.relaxations.map((line) => (
          <li key={line}>
            <ExtensionText text={line} />
          </li>
        ))}
      </ul>
      {session.lintErrors.length > 0 && (
        <ul className="dev-lint" aria-label="Lint errors">
          {session.lintErrors.map((e) => (
            <li key={e}>
              <ExtensionText text={e} />
            </li>
          ))}
        </ul>
      )}
      <DevQuestionBox session={session.id} />
      <h3>Log</h3>
      <DevLog session={session.id} name={name} />
      <h3>Terminal</h3>
      <DevTerminal session={session.id} name={name} />
      <h3>Run a command</h3>
      <DevCommandForm session={session} name={name} />
      {session.learning && <DevProposalReview session={session.id} />}
    </section>
  );
}

function DevQuestionBox({ session }: { session: string }) {
  const question = useCorral((s) => s.devQuestions[session]);
  const answer = useHostAction(useCorral((s) => s.answerDev));
  if (!question) return null;
  return (
    <div className="dev-question" role="group" aria-label="The extension asks">
      <p>
        <ExtensionText text={question.question} />
      </p>
      {(
        [
          ['allow-once', 'Allow once'],
          ['allow-always', 'Allow always'],
          ['deny', 'Deny'],
        ] as const
      ).map(([value, label]) => (
        <button
          key={value}
          type="button"
          className="button button-small"
          disabled={answer.pending}
          onClick={() => void answer.run(session, question.id, value)}
        >
          {label}
        </button>
      ))}
      <ErrorLine error={answer.error} />
    </div>
  );
}

function DevLog({ session, name }: { session: string; name: string }) {
  const lines = useCorral((s) => s.devLogs[session] ?? NO_LINES);
  return (
    // The log role on a wrapper: on the <ol> itself it would replace the list role, leaving the
    // items outside any list for assistive technology (axe: listitem).
    <div className="dev-log" role="log" aria-label={`Session log of ${name}`}>
      <ol>
        {lines.map((l, i) => (
          <li key={i} className={`dev-log-${l.level}`}>
            <span className="mono muted">[{l.kind}]</span>{' '}
            {l.debug && <strong className="dev-debug-mark">Debug only: </strong>}
            {l.level === 'deny' && <strong className="dev-deny-mark">Denied: </strong>}
            <ExtensionText text={l.text} />
          </li>
        ))}
      </ol>
    </div>
  );
}
