// A modal dialog on the native <dialog> element: focus moves into it, Escape closes it, focus
// returns to where it was.

import { useEffect, useRef, type ReactNode } from 'react';

/** Props of {@link Modal}. */
export interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Stable test id of the dialog. */
  testId?: string;
}

/** A native modal dialog with a heading and a close button; closes on Escape. */
export function Modal({ title, onClose, children, testId }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const before = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal?.();
    const onCancel = (e: Event) => {
      e.preventDefault();
      close.current();
    };
    d.addEventListener('cancel', onCancel);
    return () => {
      d.removeEventListener('cancel', onCancel);
      if (d.open) d.close();
      before?.focus?.();
    };
  }, []);
  return (
    <dialog ref={ref} className="cal-dialog" aria-labelledby="cal-dialog-title" data-testid={testId}>
      <div className="cal-dialog-head">
        <h2 id="cal-dialog-title">{title}</h2>
        <button type="button" className="btn-quiet cal-dialog-close" onClick={onClose} aria-label="Close">
          ×
        </button>
      </div>
      {children}
    </dialog>
  );
}
