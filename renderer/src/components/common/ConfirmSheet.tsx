// A small modal form that asks before a weighty action: a title, what happens, the fields it
// needs, the host's error if it refused, and Cancel beside the action's own button.
import { useId, type ReactNode, type RefObject } from 'react';
import { ErrorLine } from './ErrorLine.tsx';
import { Modal } from './Modal.tsx';

export function ConfirmSheet({
  title,
  children,
  confirm,
  confirmClass,
  canConfirm,
  error,
  onConfirm,
  onClose,
  initialFocus,
}: {
  title: ReactNode;
  children: ReactNode;
  confirm: string;
  confirmClass: string;
  canConfirm: boolean;
  error: string | null;
  onConfirm: () => void;
  onClose: () => void;
  initialFocus?: RefObject<HTMLElement | null>;
}) {
  const id = useId();
  return (
    <Modal
      labelledBy={`${id}-title`}
      onCancel={onClose}
      initialFocus={initialFocus}
      className="sheet"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm();
        }}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        {children}
        <ErrorLine error={error} />
        <div className="sheet-buttons">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={`button ${confirmClass}`} disabled={!canConfirm}>
            {confirm}
          </button>
        </div>
      </form>
    </Modal>
  );
}
