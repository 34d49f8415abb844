import { create } from 'zustand';
import type { UserSortField } from '@shared/ipc/models';
import type { UserStatus } from '@shared/domain/user';

export type StatusFilter = UserStatus | 'all';

export interface UsersFilters {
  status: StatusFilter;
  roleId: string | 'all';
  q: string;
  sort: UserSortField;
  direction: 'asc' | 'desc';
}

export type UsersDialog =
  | { kind: 'new' }
  | { kind: 'invite' }
  | { kind: 'import' }
  | { kind: 'set-roles' }
  | { kind: 'deactivate'; userIds: string[] }
  | { kind: 'remove'; userIds: string[] }
  | null;

interface UsersState {
  /** The organization the selection and filters belong to; switching organizations resets them. */
  orgId: string | null;
  filters: UsersFilters;
  selected: ReadonlySet<string>;
  /** The row that holds keyboard focus in the table (roving tabindex). */
  activeIndex: number;
  /** The anchor of a Shift-click or Shift-arrow range. */
  anchorIndex: number | null;
  openUserId: string | null;
  dialog: UsersDialog;
  resetFor(orgId: string): void;
  setFilters(patch: Partial<UsersFilters>): void;
  setSelected(selected: ReadonlySet<string>): void;
  setActiveIndex(index: number, anchor?: number | null): void;
  openUser(userId: string | null): void;
  openDialog(dialog: UsersDialog): void;
}

export const DEFAULT_FILTERS: UsersFilters = { status: 'all', roleId: 'all', q: '', sort: 'name', direction: 'asc' };

export const useUsersStore = create<UsersState>((set, get) => ({
  orgId: null,
  filters: DEFAULT_FILTERS,
  selected: new Set(),
  activeIndex: 0,
  anchorIndex: null,
  openUserId: null,
  dialog: null,
  resetFor(orgId) {
    if (get().orgId === orgId) return;
    set({ orgId, filters: { ...DEFAULT_FILTERS, q: get().filters.q }, selected: new Set(), activeIndex: 0, anchorIndex: null, openUserId: null, dialog: null });
  },
  setFilters(patch) {
    // Other filters show other rows: a selection of rows no longer in view would surprise.
    set({ filters: { ...get().filters, ...patch }, activeIndex: 0, anchorIndex: null, selected: new Set() });
  },
  setSelected(selected) {
    set({ selected });
  },
  setActiveIndex(index, anchor) {
    set(anchor === undefined ? { activeIndex: index } : { activeIndex: index, anchorIndex: anchor });
  },
  openUser(openUserId) {
    set({ openUserId });
  },
  openDialog(dialog) {
    set({ dialog });
  },
}));
