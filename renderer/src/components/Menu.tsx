import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface MenuItem {
  label: string;
  onSelect(): void;
  disabled?: boolean;
  /** Why the item is disabled, read with it. */
  reason?: string;
  tone?: 'danger';
}

export interface MenuProps {
  /** The button's accessible name, e.g. "Actions for Ann Smith". */
  label: string;
  /** What the button shows (an icon, or text). */
  button: ReactNode;
  items: readonly MenuItem[];
  buttonClassName?: string;
  align?: 'start' | 'end';
  placement?: 'below' | 'above';
}

/** A menu button (WAI-ARIA menu pattern): arrow keys move, Enter or Space chooses, Escape closes. */
export function Menu({ label, button, items, buttonClassName = 'icon-button', align = 'end', placement = 'below' }: MenuProps) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const first = menuRef.current?.querySelector<HTMLButtonElement>('[role="menuitem"]:not([aria-disabled="true"])');
    first?.focus();
    const outside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const entries = [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => entries[(to + entries.length) % entries.length]?.focus();
    if (event.key === 'ArrowDown') move(at + 1);
    else if (event.key === 'ArrowUp') move(at - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(entries.length - 1);
    else if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') close(false);
    else return;
    if (event.key !== 'Tab') {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  return (
    <div className="menu-anchor">
      <button
        ref={buttonRef}
        type="button"
        className={buttonClassName}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={label}
        onClick={() => setOpen(!open)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        {button}
      </button>
      {open && (
        <div ref={menuRef} id={menuId} role="menu" aria-label={label} className={`menu menu-${align} menu-${placement}`} onKeyDown={onKeyDown}>
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className={`menu-item${item.tone === 'danger' ? ' danger' : ''}`}
              aria-disabled={item.disabled === true || undefined}
              title={item.disabled === true ? item.reason : undefined}
              onClick={() => {
                if (item.disabled === true) return;
                close(true);
                item.onSelect();
              }}
            >
              {item.label}
              {item.disabled === true && item.reason !== undefined && <span className="visually-hidden">: {item.reason}</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
