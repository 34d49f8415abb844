import { useEffect, useRef, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { adminRolesHeld, RoleLookup } from '@shared/domain/administrators';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { UserRow, UserSortField } from '@shared/ipc/models';
import { fullName } from '@shared/domain/user';
import type { QueryScope } from '../../api/query-keys';
import { Badge, LoadError, PendingMark } from '../../components/bits';
import { Icon } from '../../components/Icon';
import { formatCount, formatDate } from '../../format/format';
import { nextIndex, rangeIds, roleNamesOf, toggled } from './user-logic';
import { MAX_BULK, usePagedUsers, useRolesOf, useUsersTotals } from './use-users';
import { useUsersStore, type UsersFilters } from './users-store';

const ROW_HEIGHT = 36;

interface Column {
  key: string;
  label: string;
  sort?: UserSortField;
  /** Its narrowest, in rem: below the sum of these the grid scrolls sideways instead of dropping columns. */
  min: number;
  /** Its share of the room left (fr); none for a column of fixed width. */
  grow?: number;
}

/** The select column's width, rem. */
const SELECT_REM = 2.5;

export interface UsersTableProps {
  scope: QueryScope;
  filters: UsersFilters;
  showOrg: boolean;
  /** With the side panel open: every column stays, at tighter minimum widths. */
  compact: boolean;
  canManage(orgId: string): boolean;
  /** The Active switch: the row, and the Owner or Administrator roles the user holds. */
  onToggleActive(user: UserRow, adminRoles: string[]): void;
  onSelectAll(): void;
  empty: ReactNode;
}

/**
 * The users grid: virtualized rows (only those on screen are in the DOM), paged reads, one tab
 * stop with arrow keys between rows (roving tabindex), Space to select, Enter to open.
 */
export function UsersTable({ scope, filters, showOrg, compact, canManage, onToggleActive, onSelectAll, empty }: UsersTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // Set when the keyboard moved the active row: focus follows it once the row is rendered.
  const focusActiveRow = useRef(false);
  const selected = useUsersStore((state) => state.selected);
  const activeIndex = useUsersStore((state) => state.activeIndex);
  const anchorIndex = useUsersStore((state) => state.anchorIndex);
  const openUserId = useUsersStore((state) => state.openUserId);
  const { setSelected, setActiveIndex, openUser, setFilters } = useUsersStore.getState();

  const totals = useUsersTotals(scope, filters);
  const virtualizer = useVirtualizer({
    count: totals.total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const firstVisible = items[0]?.index ?? 0;
  const lastVisible = items[items.length - 1]?.index ?? 0;
  const users = usePagedUsers(scope, filters, { first: firstVisible, last: lastVisible }, totals);
  // Role names for the rows on screen: their organizations' roles (children have their own).
  const visibleOrgIds = items.flatMap((item) => {
    const orgId = users.rowAt(item.index)?.orgId;
    return orgId === undefined ? [] : [orgId];
  });
  const roles = useRolesOf(showOrg ? visibleOrgIds : [scope.orgId]);

  // Every column stays when the panel opens (it used to drop Roles and Last active): each keeps a
  // minimum width, and the grid scrolls sideways when the room is less than their sum.
  const tight = compact ? 0.85 : 1;
  const columns: Column[] = [
    { key: 'name', label: 'Name', sort: 'name', min: 7.5 * tight, grow: 1.2 },
    { key: 'email', label: 'Email', sort: 'email', min: 8.5 * tight, grow: 1.4 },
    ...(showOrg ? [{ key: 'organization', label: 'Organization', sort: 'organization' as const, min: 6.5 * tight, grow: 1 }] : []),
    { key: 'roles', label: 'Roles', min: 6 * tight, grow: 1 },
    // Fixed: the switch with its word, and a whole date ("Nov 24, 2026").
    { key: 'active', label: 'Active', sort: 'status', min: 6.5 },
    { key: 'lastActive', label: 'Last active', sort: 'lastActiveAt', min: 8.5 },
  ];
  const shows = (key: string) => columns.some((column) => column.key === key);
  const template = `${SELECT_REM}rem ${columns.map((column) => (column.grow === undefined ? `${column.min}rem` : `minmax(${column.min}rem, ${column.grow}fr)`)).join(' ')}`;
  const minWidth = `${SELECT_REM + columns.reduce((sum, column) => sum + column.min, 0)}rem`;

  useEffect(() => {
    if (!focusActiveRow.current) return;
    const grid = scrollRef.current;
    const row = grid?.querySelector<HTMLElement>(`[data-index="${activeIndex}"]`);
    if (row === null || row === undefined) {
      // The row is not rendered yet (fast paging) and the one that had focus scrolled away: the grid
      // holds focus meanwhile, so the next keys still arrive.
      if (grid !== null && grid !== undefined && !grid.contains(document.activeElement)) grid.focus({ preventScroll: true });
      return;
    }
    focusActiveRow.current = false;
    if (document.activeElement !== row) row.focus({ preventScroll: true });
  });

  const idAt = (index: number) => users.rowAt(index)?.id;

  const moveTo = (index: number, extend: boolean) => {
    focusActiveRow.current = true;
    virtualizer.scrollToIndex(index, { align: 'auto' });
    if (extend) {
      const anchor = anchorIndex ?? activeIndex;
      setSelected(new Set([...selected, ...rangeIds(anchor, index, idAt)]));
      setActiveIndex(index, anchor);
    } else {
      setActiveIndex(index, null);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const next = nextIndex(event.key, activeIndex, users.total, pageRows);
    if (next !== null) {
      event.preventDefault();
      moveTo(next, event.shiftKey);
      return;
    }
    const user = users.rowAt(activeIndex);
    if (event.key === ' ' && user !== undefined) {
      event.preventDefault();
      setSelected(toggled(selected, user.id));
      setActiveIndex(activeIndex, activeIndex);
    } else if (event.key === 'Enter' && user !== undefined) {
      event.preventDefault();
      openUser(user.id);
    } else if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      onSelectAll();
    } else if (event.key === 'Escape' && selected.size > 0) {
      event.preventDefault();
      setSelected(new Set());
    }
  };

  const onCheckbox = (event: MouseEvent<HTMLInputElement>, index: number, user: UserRow) => {
    event.stopPropagation();
    if (event.shiftKey && anchorIndex !== null) {
      setSelected(new Set([...selected, ...rangeIds(anchorIndex, index, idAt)]));
    } else {
      setSelected(toggled(selected, user.id));
    }
    setActiveIndex(index, index);
  };

  const sortBy = (field: UserSortField) => {
    setFilters(filters.sort === field ? { direction: filters.direction === 'asc' ? 'desc' : 'asc' } : { sort: field, direction: 'asc' });
  };

  if (users.error !== null && users.total === 0) return <LoadError error={users.error} onRetry={users.refetch} />;

  return (
    <div className="users-table-wrap">
      <div
        ref={scrollRef}
        className={`grid-scroll${users.isPlaceholder ? ' is-stale' : ''}`}
        role="grid"
        aria-label="Users"
        aria-rowcount={users.total + 1}
        aria-colcount={columns.length + 1}
        aria-multiselectable="true"
        aria-busy={users.isPending || undefined}
        tabIndex={-1}
        onKeyDown={(event) => {
          // Keys belong to the rows (or the grid while a row is not rendered); the header's sort buttons keep Enter and Space.
          if (event.target === event.currentTarget || (event.target as HTMLElement).getAttribute('role') === 'row') onKeyDown(event);
        }}
      >
        <div role="rowgroup" className="grid-head" style={{ minWidth }}>
          <div role="row" aria-rowindex={1} className="grid-row grid-header-row" style={{ gridTemplateColumns: template }}>
            <div role="columnheader" className="cell cell-select">
              <input
                type="checkbox"
                aria-label="Select all users"
                checked={users.total > 0 && selected.size >= Math.min(users.total, MAX_BULK)}
                ref={(input) => {
                  if (input !== null) input.indeterminate = selected.size > 0 && selected.size < Math.min(users.total, MAX_BULK);
                }}
                onChange={(event) => (event.target.checked ? onSelectAll() : setSelected(new Set()))}
              />
            </div>
            {columns.map((column) => (
              <div
                key={column.key}
                role="columnheader"
                className="cell"
                aria-sort={column.sort !== undefined && filters.sort === column.sort ? (filters.direction === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                {column.sort === undefined ? (
                  column.label
                ) : (
                  <button type="button" className="sort-button" onClick={() => sortBy(column.sort!)} title={`Sort by ${column.label.toLowerCase()}`}>
                    {column.label}
                    {filters.sort === column.sort && (
                      <Icon name="chevronDown" size={12} className={filters.direction === 'asc' ? 'sort-asc' : 'sort-desc'} />
                    )}
                  </button>
                )}
              </div>
            ))}
          </div>
        </div>
        {!users.isPending && users.total === 0 ? (
          <div role="rowgroup">
            <div role="row" aria-rowindex={2} className="grid-empty-row">
              <div role="gridcell" aria-colspan={columns.length + 1}>
                {empty}
              </div>
            </div>
          </div>
        ) : (
          <div role="rowgroup" className="grid-body" style={{ height: `${virtualizer.getTotalSize()}px`, minWidth }}>
            {items.map((item) => {
              const user = users.rowAt(item.index);
              const isActive = item.index === activeIndex;
              if (user === undefined) {
                return (
                  <div
                    key={item.key}
                    role="row"
                    aria-rowindex={item.index + 2}
                    data-index={item.index}
                    tabIndex={isActive ? 0 : -1}
                    className="grid-row loading-row"
                    style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)` }}
                  >
                    <div role="gridcell" className="cell cell-select" />
                    <div role="gridcell" className="cell">
                      <span className="skeleton" />
                      <span className="visually-hidden">Loading</span>
                    </div>
                  </div>
                );
              }
              const name = fullName(user);
              const isSelected = selected.has(user.id);
              const roleNames = roleNamesOf(user, roles);
              return (
                // The same key as the loading row it replaces, so a focused row keeps its focus.
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-selected={isSelected}
                  data-index={item.index}
                  tabIndex={isActive ? 0 : -1}
                  className={`grid-row${isSelected ? ' selected' : ''}${openUserId === user.id ? ' open' : ''}${user.status !== 'active' ? ' inactive' : ''}`}
                  style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)` }}
                  onFocus={() => {
                    if (useUsersStore.getState().activeIndex !== item.index) setActiveIndex(item.index);
                  }}
                  onClick={() => {
                    setActiveIndex(item.index, item.index);
                    openUser(user.id);
                  }}
                >
                  <div role="gridcell" className="cell cell-select">
                    <input
                      type="checkbox"
                      tabIndex={-1}
                      checked={isSelected}
                      aria-label={`Select ${name}`}
                      onClick={(event) => onCheckbox(event, item.index, user)}
                      onChange={() => undefined}
                    />
                  </div>
                  <div role="gridcell" className="cell cell-name">
                    <span className="truncate" title={name}>
                      {name}
                    </span>
                    {user.pending && <PendingMark />}
                  </div>
                  <div role="gridcell" className="cell muted">
                    <span className="truncate">{user.email}</span>
                  </div>
                  {shows('organization') && (
                    <div role="gridcell" className="cell muted">
                      <span className="truncate">{user.orgName}</span>
                    </div>
                  )}
                  {shows('roles') && (
                    <div role="gridcell" className="cell">
                      <span className="truncate" title={roleNames.join(', ')}>
                        {roleNames.length === 0 ? <span className="muted">No roles</span> : roleNames.join(', ')}
                      </span>
                    </div>
                  )}
                  <div role="gridcell" className="cell">
                    {user.status === 'pending' ? (
                      <Badge tone="info">Invited</Badge>
                    ) : (
                      <button
                        type="button"
                        role="switch"
                        tabIndex={-1}
                        aria-checked={user.status === 'active'}
                        aria-label={`Active: ${name}`}
                        className="switch"
                        disabled={!canManage(user.orgId)}
                        onClick={(event) => {
                          event.stopPropagation();
                          onToggleActive(user, adminRolesHeld(user, new RoleLookup(roles.values())).map((role) => role.name));
                        }}
                      >
                        <span className="switch-track" aria-hidden="true">
                          <span className="switch-thumb" />
                        </span>
                        <span className="switch-text">{user.status === 'active' ? 'Yes' : 'No'}</span>
                      </button>
                    )}
                  </div>
                  {shows('lastActive') && (
                    <div role="gridcell" className="cell muted">
                      {user.lastActiveAt === null ? 'Never' : formatDate(user.lastActiveAt)}
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        )}
      </div>
      {users.total > 0 && (
        <p className="grid-footnote muted">
          {formatCount(users.total)} {users.total === 1 ? 'user' : 'users'}
          {selected.size > 0 ? ` · ${formatCount(selected.size)} selected` : ''}
        </p>
      )}
    </div>
  );
}
