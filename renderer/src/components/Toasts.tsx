import { useNavStore } from '../state/nav-store';
import { useToastStore, type Toast } from '../state/toast-store';
import { Icon } from './Icon';
import './toasts.css';

/** Opens the Sync issues screen at the issue (its card's heading has the id issue-N). */
function openIssue(issueId: number): void {
  useNavStore.getState().go('sync-issues');
  let tries = 0;
  const find = () => {
    const heading = document.getElementById(`issue-${issueId}`);
    if (heading !== null) heading.scrollIntoView({ block: 'nearest' });
    else if ((tries += 1) < 20) requestAnimationFrame(find);
  };
  requestAnimationFrame(find);
}

function ToastBody({ toast }: { toast: Toast }) {
  return (
    <div>
      <p>{toast.text}</p>
      {toast.detail !== undefined && <p className="toast-detail">{toast.detail}</p>}
      {toast.queued === true && <p className="toast-detail">Saved on this computer: it is sent when Seatdesk is back online.</p>}
      {toast.sending === true && <p className="toast-detail">Saved; sending…</p>}
      {toast.issueId !== undefined && (
        <button type="button" className="link-button toast-link" onClick={() => openIssue(toast.issueId!)}>
          Open in Sync issues
        </button>
      )}
    </div>
  );
}

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
              <ToastBody toast={toast} />
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
              <ToastBody toast={toast} />
              <button type="button" className="icon-button small" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
                <Icon name="close" size={14} />
              </button>
            </div>
          ))}
      </div>
    </div>
  );
}
