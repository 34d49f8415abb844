import { create } from 'zustand';
import type { Permission } from '@shared/domain/permissions';

export type ScreenId = 'home' | 'users' | 'roles' | 'billing-contacts' | 'subscriptions' | 'invoices' | 'account' | 'sync-issues' | 'audit';

export interface ScreenInfo {
  id: ScreenId;
  label: string;
  /** Needed in the current organization to see the screen; null: everyone. */
  view: Permission | null;
  /** Whether the screen can show child organizations' rows. */
  children: 'rows' | 'sections' | 'none';
}

export const SCREENS: readonly ScreenInfo[] = [
  { id: 'home', label: 'Home', view: null, children: 'rows' },
  { id: 'users', label: 'Users', view: 'users.view', children: 'rows' },
  { id: 'roles', label: 'Roles', view: 'users.view', children: 'sections' },
  { id: 'billing-contacts', label: 'Billing contacts', view: 'billing.view', children: 'sections' },
  { id: 'subscriptions', label: 'Subscriptions', view: 'subscriptions.view', children: 'rows' },
  { id: 'invoices', label: 'Invoices', view: 'billing.view', children: 'rows' },
  { id: 'account', label: 'Account', view: null, children: 'sections' },
  { id: 'sync-issues', label: 'Sync issues', view: null, children: 'rows' },
  { id: 'audit', label: 'Audit log', view: 'audit.view', children: 'rows' },
];

export function screenInfo(id: ScreenId): ScreenInfo {
  return SCREENS.find((screen) => screen.id === id) ?? SCREENS[0]!;
}

/**
 * Filters a screen is opened with (the Home screen's links: invoices that are overdue, trials
 * ending ...), mirrored in the hash as a query ("#/invoices?status=overdue") so a reload keeps them.
 * A screen reads them once, when it opens, as the starting point of its own filters.
 */
export type ScreenParams = Readonly<Record<string, string>>;

const NO_PARAMS: ScreenParams = {};

export function parseHash(hash: string): { screen: ScreenId; params: ScreenParams } {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const screen = SCREENS.some((info) => info.id === path) ? (path as ScreenId) : 'home';
  const params = Object.fromEntries(new URLSearchParams(query));
  return { screen, params: Object.keys(params).length === 0 ? NO_PARAMS : params };
}

export function hashOf(screen: ScreenId, params: ScreenParams = NO_PARAMS): string {
  const query = new URLSearchParams(params).toString();
  return `#/${screen}${query === '' ? '' : `?${query}`}`;
}

interface NavState {
  screen: ScreenId;
  params: ScreenParams;
  go(screen: ScreenId, params?: ScreenParams): void;
}

/** The current screen and the filters it was opened with, mirrored in the URL hash so a reload stays on it. */
export const useNavStore = create<NavState>((set) => ({
  ...parseHash(typeof location === 'undefined' ? '' : location.hash),
  go(screen, params = NO_PARAMS) {
    set({ screen, params });
    const hash = hashOf(screen, params);
    if (location.hash !== hash) history.replaceState(null, '', hash);
  },
}));
