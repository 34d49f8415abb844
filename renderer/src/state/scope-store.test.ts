import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Permission } from '@shared/domain/permissions';
import type { OrgNode } from '@shared/ipc/models';
import { openingOrg, useScopeStore } from './scope-store';

const node = (id: string, parentId: string | null, permissions: Permission[] = ['users.view']): OrgNode => ({
  id,
  name: id,
  kind: parentId === null ? 'provider' : 'customer',
  parentId,
  permissions,
  activeUsers: 1,
  pending: false,
});

describe('openingOrg', () => {
  // As the core lists a cache: parent before children. A row /v1/me did not name has no permissions.
  const tree = [node('northwind', null, []), node('adventure-works', 'northwind', []), node('contoso', 'northwind'), node('contoso-east', 'contoso')];

  it('opens in the remembered organization while it is in the user’s scope', () => {
    expect(openingOrg(tree, 'contoso-east')?.id).toBe('contoso-east');
  });

  it('opens in the user’s own organization when the remembered one is outside their scope, unknown or none', () => {
    // In the cache but not in the scope: the screens would say "You cannot see users in ...".
    expect(openingOrg(tree, 'adventure-works')?.id).toBe('contoso');
    expect(openingOrg(tree, 'somewhere-else')?.id).toBe('contoso');
    expect(openingOrg(tree, null)?.id).toBe('contoso');
  });

  it('with no permission anywhere, the first organization listed (its screens say what is missing); none before the tree arrives', () => {
    expect(openingOrg([node('a', null, []), node('b', 'a', [])], 'b')?.id).toBe('a');
    expect(openingOrg([], 'a')).toBeNull();
  });
});

describe('the scope store remembers each user’s choice', () => {
  let stored: Map<string, string>;
  beforeEach(() => {
    stored = new Map();
    vi.stubGlobal('localStorage', {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => void stored.set(key, value),
      removeItem: (key: string) => void stored.delete(key),
    });
    useScopeStore.setState({ account: null, orgId: null, includeChildren: false });
  });
  afterEach(() => vi.unstubAllGlobals());

  const store = () => useScopeStore.getState();
  const OWNER = 'http://127.0.0.1:4000|owner-id';
  const ADMIN = 'http://127.0.0.1:4000|admin-id';

  it('keeps nothing of the previous user after sign-out, and gives each user back their own choice', () => {
    store().switchAccount(OWNER);
    store().setOrg('adventure-works');
    store().setIncludeChildren(true);

    store().switchAccount(null);
    expect(store()).toMatchObject({ account: null, orgId: null, includeChildren: false });

    store().switchAccount(ADMIN);
    expect(store()).toMatchObject({ account: ADMIN, orgId: null, includeChildren: false });
    store().setOrg('contoso');

    store().switchAccount(OWNER);
    expect(store()).toMatchObject({ account: OWNER, orgId: 'adventure-works', includeChildren: true });
    store().switchAccount(ADMIN);
    expect(store()).toMatchObject({ orgId: 'contoso', includeChildren: false });
  });

  it('forgets the single choice older versions kept for whoever signed in next', () => {
    stored.set('seatdesk.scope', JSON.stringify({ orgId: 'adventure-works', includeChildren: true }));
    store().switchAccount(ADMIN);
    expect(store()).toMatchObject({ orgId: null, includeChildren: false });
    expect(stored.has('seatdesk.scope')).toBe(false);
  });

  it('a damaged entry costs only the remembered organization', () => {
    stored.set(`seatdesk.scope ${OWNER}`, '{not json');
    store().switchAccount(OWNER);
    expect(store()).toMatchObject({ account: OWNER, orgId: null, includeChildren: false });
  });
});
