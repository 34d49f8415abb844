import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { Icon } from './Icon';
import { FormError } from './bits';

export interface DialogProps {
  title: string;
  description?: ReactNode;
  onClose(): void;
  children: ReactNode;
  /** Buttons; the primary one is a submit button so Enter in a field submits. */
  footer: ReactNode;
  /** Called on submit (Enter or the submit button); the dialog does not close by itself. */
  onSubmit?: () => void;
  /** wide: a table with a column of reasons (the CSV import check). */
  size?: 'small' | 'medium' | 'large' | 'wide';
  /** Alert dialogs (confirmations) announce themselves as such. */
  role?: 'dialog' | 'alertdialog';
}

/**
 * A modal on the native <dialog>: the browser traps focus, Escape cancels (onClose), the page
 * behind is inert. Mount it to open, unmount to close; focus returns to where it was.
 */
export function Dialog({ title, description, onClose, children, footer, onSubmit, size = 'medium', role = 'dialog' }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const cancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', cancel);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) dialog.close();
      if (previous !== null && previous.isConnected) previous.focus();
    };
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit?.();
  };

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-labelledby={titleId}
      aria-describedby={description === undefined ? undefined : descriptionId}
      aria-modal="true"
    >
      <form className="dialog-form" onSubmit={submit} noValidate>
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={() => onCloseRef.current()}>
            <Icon name="close" />
          </button>
        </header>
        <div className="dialog-body">
          {description !== undefined && (
            <div id={descriptionId} className="dialog-description">
              {description}
            </div>
          )}
          {children}
        </div>
        <footer className="dialog-footer">{footer}</footer>
      </form>
    </dialog>
  );
}

export interface ConfirmDialogProps {
  title: string;
  description: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  tone?: 'danger' | 'primary';
  pending?: boolean;
  error?: string | null;
  onConfirm(): void;
  onClose(): void;
  children?: ReactNode;
}

export function ConfirmDialog({ title, description, confirmLabel, cancelLabel = 'Cancel', tone = 'danger', pending = false, error, onConfirm, onClose, children }: ConfirmDialogProps) {
  return (
    <Dialog
      title={title}
      description={description}
      onClose={onClose}
      onSubmit={onConfirm}
      size="small"
      role="alertdialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {cancelLabel}
          </button>
          <button type="submit" className={`button ${tone}`} disabled={pending} autoFocus>
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
      <FormError message={error} />
    </Dialog>
  );
}
