// One row of a settings list: what it is, and one button that acts on it (its outcome shown in
// the row). The button's accessible description is the row's text, so "Remove" says what.
import { useId, type ReactNode } from 'react';
import { ErrorLine } from './ErrorLine.tsx';
import type { ActionError } from '../../store/slice.ts';
import { useHostAction } from './use-host-action.ts';

export function ActionRow({
  children,
  label,
  action,
}: {
  children: ReactNode;
  label: string;
  action: () => Promise<ActionError>;
}) {
  const run = useHostAction(action);
  const describedBy = useId();
  return (
    <li className="row-item">
      <div id={describedBy}>{children}</div>
      <button
        type="button"
        className="button button-small"
        aria-describedby={describedBy}
        disabled={run.pending}
        onClick={() => void run.run()}
      >
        {label}
      </button>
      <ErrorLine error={run.error} />
    </li>
  );
}
