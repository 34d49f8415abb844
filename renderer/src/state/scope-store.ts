import { create } from 'zustand';
import type { OrgNode } from '@shared/ipc/models';

/**
 * The organization every screen shows, and whether its child organizations are included: the
 * signed-in user's choice, remembered per user on this computer. The workspace renders only once
 * `account` is the signed-in one, so no screen ever reads another user's choice.
 */
interface ScopeState {
  /** Whose choice this is (the service URL and user id, as the core names accounts); null when signed out. */
  account: string | null;
  orgId: string | null;
  includeChildren: boolean;
  /** Loads that account's remembered choice, dropping the previous one's; null on sign-out. */
  switchAccount(account: string | null): void;
  setOrg(orgId: string): void;
  setIncludeChildren(include: boolean): void;
}

interface Choice {
  orgId: string | null;
  includeChildren: boolean;
}

const NO_CHOICE: Choice = { orgId: null, includeChildren: false };
const storageKey = (account: string) => `seatdesk.scope ${account}`;
/** Where one choice was kept for whoever signed in next, before choices were kept per user. */
const SHARED_KEY = 'seatdesk.scope';

function remembered(account: string): Choice {
  try {
    localStorage.removeItem(SHARED_KEY);
    const value: unknown = JSON.parse(localStorage.getItem(storageKey(account)) ?? 'null');
    if (value !== null && typeof value === 'object') {
      const { orgId, includeChildren } = value as { orgId?: unknown; includeChildren?: unknown };
      return { orgId: typeof orgId === 'string' ? orgId : null, includeChildren: includeChildren === true };
    }
  } catch {
    // A damaged or unavailable store only costs the remembered organization.
  }
  return NO_CHOICE;
}

function remember(state: ScopeState): void {
  if (state.account === null) return;
  try {
    localStorage.setItem(storageKey(state.account), JSON.stringify({ orgId: state.orgId, includeChildren: state.includeChildren }));
  } catch {
    // Not remembering is fine.
  }
}

export const useScopeStore = create<ScopeState>((set, get) => ({
  account: null,
  ...NO_CHOICE,
  switchAccount(account) {
    if (account === get().account) return;
    set({ account, ...(account === null ? NO_CHOICE : remembered(account)) });
  },
  setOrg(orgId) {
    set({ orgId });
    remember(get());
  },
  setIncludeChildren(includeChildren) {
    set({ includeChildren });
    remember(get());
  },
}));

/**
 * The organization to show: the remembered choice while it is in the user's scope (the core lists
 * every organization of its cache, and one neither /v1/me nor an organization above it named has
 * no permissions), else the user's own organization, which is the first of their scope in tree
 * order since a scope is an organization and everything below it; with no permission anywhere,
 * the first one listed, whose screens say what is missing. Not written back: the choice stays for when it is in scope again.
 */
export function openingOrg(tree: readonly OrgNode[], rememberedId: string | null): OrgNode | null {
  const inScope = (org: OrgNode) => org.permissions.length > 0;
  const chosen = rememberedId === null ? undefined : tree.find((org) => org.id === rememberedId);
  if (chosen !== undefined && inScope(chosen)) return chosen;
  return tree.find(inScope) ?? tree[0] ?? null;
}
