// A modal dialog holding one form: opened as it mounts, closed with its Close button or Escape
// (both call onClose), outside the page's own layout (a portal on the body).
import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

export function FormDialog(props: {
  title: ReactNode;
  testId: string;
  onClose(): void;
  onSubmit(e: FormEvent): void;
  children: ReactNode;
}) {
  const uid = useId();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || dialog.open) return;
    dialog.showModal();
    // The first field, not the Close button the browser picks: typing starts the form, and a
    // space typed into the name of a caller does not close it.
    dialog
      .querySelector<HTMLElement>(
        '.dialog__content > :not(.dialog__header) :is(input:not([type=hidden]), select, textarea):not(:disabled)',
      )
      ?.focus();
  }, []);
  return createPortal(
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={`${uid}-title`}
      onClose={props.onClose}
      data-testid={props.testId}
    >
      <form className="dialog__content form" onSubmit={props.onSubmit} noValidate>
        <div className="dialog__header">
          <h2 id={`${uid}-title`}>{props.title}</h2>
          <button type="button" className="button button--ghost button--small" onClick={props.onClose}>
            Close
          </button>
        </div>
        {props.children}
      </form>
    </dialog>,
    document.body,
  );
}
