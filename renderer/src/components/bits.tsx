import { useState, type ReactNode } from 'react';
import { errorSentence } from '../api/errors';
import { Icon, type IconName } from './Icon';

export type BadgeTone = 'neutral' | 'positive' | 'warning' | 'negative' | 'info' | 'accent';

export function Badge({ tone = 'neutral', children, title }: { tone?: BadgeTone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** Marks a row a queued command has changed and the service has not confirmed yet. */
export function PendingMark() {
  return (
    <span className="pending-mark" title="Changed here; not synced yet">
      <span className="pending-dot" aria-hidden="true" />
      <span className="visually-hidden">Not synced yet</span>
    </span>
  );
}

export function EmptyState({ icon = 'layers', title, children }: { icon?: IconName; title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <Icon name={icon} size={24} />
      <p className="empty-title">{title}</p>
      {children !== undefined && <div className="empty-body">{children}</div>}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** A form's refusal as a whole (field errors sit by their fields), announced to screen readers. */
export function FormError({ message }: { message: ReactNode | null | undefined }) {
  if (message === null || message === undefined) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}

/** A failed read: the core answered an error. Calm, with the sentence and a retry. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="load-error" role="alert">
      <Icon name="alert" />
      <span>{errorSentence(error)}</span>
      {onRetry !== undefined && (
        <button type="button" className="button small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Copies through the Clipboard API, or a selected text area where the host denies that permission. */
async function copyText(value: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = value;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    return copied;
  }
}

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="icon-button small"
      aria-label={copied ? `${label}: copied` : label}
      title={copied ? 'Copied' : label}
      onClick={() => {
        void copyText(value).then((done) => {
          if (!done) return;
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      <Icon name={copied ? 'check' : 'copy'} size={14} />
    </button>
  );
}

/** An inline notice inside a screen: information, a warning, or a note that something is read-only. */
export function Notice({ tone = 'info', children, action }: { tone?: 'info' | 'warning'; children: ReactNode; action?: ReactNode }) {
  return (
    <div className={`notice-bar notice-${tone}`}>
      <Icon name={tone === 'warning' ? 'alert' : 'shield'} />
      <div className="notice-text">{children}</div>
      {action}
    </div>
  );
}

/** A filter a link opened the screen with ("Trials ending within 14 days"), removable. */
export function FilterChip({ label, onRemove }: { label: string; onRemove(): void }) {
  return (
    <span className="filter-chip">
      <span>{label}</span>
      <button type="button" className="filter-chip-remove" aria-label={`Remove filter: ${label}`} title="Remove this filter" onClick={onRemove}>
        <Icon name="close" size={12} />
      </button>
    </span>
  );
}
