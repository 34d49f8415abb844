import { create } from 'zustand';

/** The organization every screen shows, and whether its child organizations are included. */
interface ScopeState {
  orgId: string | null;
  includeChildren: boolean;
  setOrg(orgId: string): void;
  setIncludeChildren(include: boolean): void;
}

const STORAGE_KEY = 'seatdesk.scope';

function remembered(): { orgId: string | null; includeChildren: boolean } {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (value !== null && typeof value === 'object') {
      const { orgId, includeChildren } = value as { orgId?: unknown; includeChildren?: unknown };
      return { orgId: typeof orgId === 'string' ? orgId : null, includeChildren: includeChildren === true };
    }
  } catch {
    // A damaged or unavailable store only costs the remembered organization.
  }
  return { orgId: null, includeChildren: false };
}

function remember(state: { orgId: string | null; includeChildren: boolean }): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ orgId: state.orgId, includeChildren: state.includeChildren }));
  } catch {
    // Not remembering is fine.
  }
}

export const useScopeStore = create<ScopeState>((set, get) => ({
  ...remembered(),
  setOrg(orgId) {
    set({ orgId });
    remember(get());
  },
  setIncludeChildren(includeChildren) {
    set({ includeChildren });
    remember(get());
  },
}));
