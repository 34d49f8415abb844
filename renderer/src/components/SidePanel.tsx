import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Icon } from './Icon';

export interface SidePanelProps {
  title: string;
  subtitle?: ReactNode;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
}

/**
 * A non-modal panel beside a list (the table stays usable). It takes focus when it opens; Escape
 * inside it closes it and focus goes back to where it came from.
 */
export function SidePanel({ title, subtitle, onClose, children, footer }: SidePanelProps) {
  const titleId = useId();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.focus();
    return () => {
      if (previous !== null && previous.isConnected && ref.current?.contains(document.activeElement) !== false) previous.focus();
    };
  }, []);
  return (
    <aside
      ref={ref}
      className="side-panel"
      aria-labelledby={titleId}
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !event.defaultPrevented) {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <header className="side-panel-header">
        <div>
          <h2 id={titleId} title={title}>
            {title}
          </h2>
          {subtitle !== undefined && <div className="side-panel-subtitle">{subtitle}</div>}
        </div>
        <button type="button" className="icon-button" aria-label="Close panel" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="side-panel-body">{children}</div>
      {footer !== undefined && <footer className="side-panel-footer">{footer}</footer>}
    </aside>
  );
}
