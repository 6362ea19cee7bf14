// A modal dialog on the browser's own <dialog>: it sits in the top layer, makes the rest of the
// page inert and keeps focus inside. Escape is handled here (never by the browser closing the
// element behind React's back): it calls onCancel, or does nothing where there is no cancel.
import { useLayoutEffect, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';

export interface ModalProps {
  labelledBy: string;
  describedBy?: string;
  /** alertdialog for a question that needs an answer (a permission prompt). */
  role?: 'dialog' | 'alertdialog';
  /** Escape; absent: Escape does nothing. */
  onCancel?: () => void;
  /** Where focus goes when it opens; the dialog itself when absent. */
  initialFocus?: RefObject<HTMLElement | null>;
  className?: string;
  children: ReactNode;
  onKeyDownCapture?: (event: KeyboardEvent<HTMLDialogElement>) => void;
  onPointerDownCapture?: () => void;
}

export function Modal({
  labelledBy,
  describedBy,
  role = 'dialog',
  onCancel,
  initialFocus,
  className,
  children,
  onKeyDownCapture,
  onPointerDownCapture,
}: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useLayoutEffect(() => {
    const dialog = ref.current!;
    const before = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    (initialFocus?.current ?? dialog).focus();
    return () => {
      dialog.close();
      // Back to where the user was, if it is still there.
      if (before?.isConnected) before.focus();
    };
    // Opens once per mount: the focus target is read at that moment only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    onCancel?.();
  };
  return (
    <dialog
      ref={ref}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-modal="true"
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      className={className}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      onKeyDownCapture={onKeyDownCapture}
      onPointerDownCapture={onPointerDownCapture}
    >
      {children}
    </dialog>
  );
}
