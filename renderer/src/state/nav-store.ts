import { create } from 'zustand';
import type { Permission } from '@shared/domain/permissions';

export type ScreenId = 'users' | 'roles' | 'billing-contacts' | 'subscriptions' | 'invoices' | 'account' | 'sync-issues' | 'audit';

export interface ScreenInfo {
  id: ScreenId;
  label: string;
  /** Needed in the current organization to see the screen; null: everyone. */
  view: Permission | null;
  /** Whether the screen can show child organizations' rows. */
  children: 'rows' | 'sections' | 'none';
}

export const SCREENS: readonly ScreenInfo[] = [
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

function screenFromHash(): ScreenId {
  const id = location.hash.replace(/^#\/?/, '');
  return SCREENS.some((screen) => screen.id === id) ? (id as ScreenId) : 'users';
}

interface NavState {
  screen: ScreenId;
  go(screen: ScreenId): void;
}

/** The current screen, mirrored in the URL hash so a reload stays on it. */
export const useNavStore = create<NavState>((set) => ({
  screen: screenFromHash(),
  go(screen) {
    set({ screen });
    if (location.hash !== `#/${screen}`) history.replaceState(null, '', `#/${screen}`);
  },
}));
