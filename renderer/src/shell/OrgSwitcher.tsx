import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { OrgNode } from '@shared/ipc/models';
import { PendingMark } from '../components/bits';
import { Icon } from '../components/Icon';
import { formatCount } from '../format/format';
import { useScopeStore } from '../state/scope-store';
import { orgRows } from './org-tree';
import { kindLabel } from './ScreenHeader';
import { NewOrgDialog, parentChoices } from './NewOrgDialog';

const MAX_ROWS = 300;

/** The provider > reseller > customer tree with search (combobox + listbox pattern). */
export function OrgSwitcher({ orgs, current }: { orgs: readonly OrgNode[]; current: OrgNode }) {
  const setOrg = useScopeStore((state) => state.setOrg);
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [creating, setCreating] = useState(false);
  const canCreate = useMemo(() => parentChoices(orgs).length > 0, [orgs]);
  const listId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const rows = useMemo(() => orgRows(orgs, query), [orgs, query]);
  const shown = rows.slice(0, MAX_ROWS);

  useEffect(() => {
    if (!open) return;
    inputRef.current?.focus();
    const at = shown.findIndex((row) => row.org.id === current.id);
    setActive(at < 0 ? 0 : at);
    const outside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!panelRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
    // Only when opening: afterwards the active row follows the keyboard.
  }, [open]);

  useEffect(() => {
    document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, listId]);

  const close = () => {
    setOpen(false);
    setQuery('');
    buttonRef.current?.focus();
  };
  const choose = (org: OrgNode) => {
    setOrg(org.id);
    close();
  };

  return (
    <div className="org-switcher">
      <button
        ref={buttonRef}
        type="button"
        className="org-switcher-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => (open ? close() : setOpen(true))}
      >
        <span className="org-avatar" aria-hidden="true">
          {current.name.slice(0, 1).toUpperCase()}
        </span>
        <span className="org-switcher-text">
          <span className="visually-hidden">Organization: </span>
          <span className="org-switcher-name">{current.name}</span>
          <span className="org-switcher-kind">{kindLabel(current.kind)}</span>
        </span>
        <Icon name="chevronDown" />
      </button>
      {open && (
        <div ref={panelRef} className="org-switcher-panel" role="dialog" aria-label="Switch organization">
          <div className="org-search">
            <Icon name="search" />
            <input
              ref={inputRef}
              type="search"
              className="input"
              role="combobox"
              aria-label="Search organizations"
              aria-expanded="true"
              aria-controls={listId}
              aria-autocomplete="list"
              aria-activedescendant={shown.length === 0 ? undefined : `${listId}-${active}`}
              placeholder="Search organizations"
              value={query}
              onChange={(event) => {
                setQuery(event.target.value);
                setActive(0);
              }}
              onKeyDown={(event) => {
                if (event.key === 'ArrowDown') setActive(Math.min(shown.length - 1, active + 1));
                else if (event.key === 'ArrowUp') setActive(Math.max(0, active - 1));
                else if (event.key === 'Home' && event.ctrlKey) setActive(0);
                else if (event.key === 'End' && event.ctrlKey) setActive(shown.length - 1);
                else if (event.key === 'Enter') {
                  const row = shown[active];
                  if (row !== undefined) choose(row.org);
                } else if (event.key === 'Escape') close();
                else return;
                event.preventDefault();
                event.stopPropagation();
              }}
            />
          </div>
          <ul id={listId} role="listbox" aria-label="Organizations" className="org-list">
            {shown.map((row, index) => (
              <li
                key={row.org.id}
                id={`${listId}-${index}`}
                role="option"
                aria-selected={row.org.id === current.id}
                className={`org-option${index === active ? ' active' : ''}${row.org.id === current.id ? ' current' : ''}`}
                style={{ paddingLeft: `${0.5 + (query === '' ? row.depth : 0) * 1}rem` }}
                onPointerDown={(event) => event.preventDefault()}
                onClick={() => choose(row.org)}
                onPointerMove={() => setActive(index)}
              >
                <span className="org-option-main">
                  <span className="org-option-name">
                    {row.org.name}
                    {row.org.pending && <PendingMark />}
                  </span>
                  {query !== '' && row.path.length > 0 && <span className="org-option-path">{row.path.join(' › ')}</span>}
                </span>
                <span className="org-option-kind">{kindLabel(row.org.kind)}</span>
                <span className="org-option-count" title="Active users">
                  {formatCount(row.org.activeUsers)}
                </span>
                {row.org.id === current.id && <Icon name="check" size={14} />}
              </li>
            ))}
          </ul>
          {shown.length === 0 && <p className="org-empty muted">No organization matches “{query}”.</p>}
          {rows.length > MAX_ROWS && <p className="org-more muted">{formatCount(rows.length - MAX_ROWS)} more: type to narrow down.</p>}
          {canCreate && (
            <div className="org-switcher-footer">
              <button
                type="button"
                className="button ghost"
                onClick={() => {
                  setOpen(false);
                  setQuery('');
                  setCreating(true);
                }}
              >
                <Icon name="plus" /> New organization…
              </button>
            </div>
          )}
        </div>
      )}
      {creating && <NewOrgDialog orgs={orgs} current={current} onClose={() => setCreating(false)} />}
    </div>
  );
}
