import { useToastStore } from '../state/toast-store';
import { Icon } from './Icon';

/** Action confirmations (polite) and errors (assertive), bottom right above the status bar. */
export function Toasts() {
  const toasts = useToastStore((state) => state.toasts);
  const dismiss = useToastStore((state) => state.dismiss);
  return (
    <div className="toasts">
      <div role="status" aria-live="polite" className="toast-region">
        {toasts
          .filter((toast) => toast.tone !== 'error')
          .map((toast) => (
            <div key={toast.id} className={`toast toast-${toast.tone}`}>
              <Icon name={toast.tone === 'success' ? 'check' : 'dot'} />
              <div>
                <p>{toast.text}</p>
                {toast.detail !== undefined && <p className="toast-detail">{toast.detail}</p>}
                {toast.queued === true && <p className="toast-detail">Saved on this computer: it is sent when Seatdesk is back online.</p>}
              </div>
              <button type="button" className="icon-button small" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
                <Icon name="close" size={14} />
              </button>
            </div>
          ))}
      </div>
      <div role="alert" className="toast-region">
        {toasts
          .filter((toast) => toast.tone === 'error')
          .map((toast) => (
            <div key={toast.id} className="toast toast-error">
              <Icon name="alert" />
              <div>
                <p>{toast.text}</p>
                {toast.detail !== undefined && <p className="toast-detail">{toast.detail}</p>}
              </div>
              <button type="button" className="icon-button small" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
                <Icon name="close" size={14} />
              </button>
            </div>
          ))}
      </div>
    </div>
  );
}
