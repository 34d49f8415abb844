import { describe, expect, it } from 'vitest';
import { ancestorsFrom, isAffected, rootsAffectedBy } from './invalidation';
import { queryKeys } from './query-keys';

// provider > reseller > customer, and a second customer under the provider.
const parents = new Map<string, string | null>([
  ['provider', null],
  ['reseller', 'provider'],
  ['customer', 'reseller'],
  ['direct', 'provider'],
]);
const ancestors = ancestorsFrom(parents);
const filters = { sort: 'name' as const, direction: 'asc' as const };

describe('which queries a data.changed event touches', () => {
  it('touches the organization read directly and ancestors read with their children', () => {
    const event = { entity: 'user', orgId: 'customer' };
    expect(isAffected(queryKeys.userPage({ orgId: 'customer', includeChildren: false }, filters, 0, 200), event, ancestors)).toBe(true);
    expect(isAffected(queryKeys.userPage({ orgId: 'provider', includeChildren: true }, filters, 3, 200), event, ancestors)).toBe(true);
    expect(isAffected(queryKeys.userPage({ orgId: 'provider', includeChildren: false }, filters, 0, 200), event, ancestors)).toBe(false);
    expect(isAffected(queryKeys.userPage({ orgId: 'direct', includeChildren: true }, filters, 0, 200), event, ancestors)).toBe(false);
  });

  it('follows what an entity feeds: users change role member counts and the switcher', () => {
    const event = { entity: 'user', orgId: 'reseller' };
    expect(isAffected(queryKeys.roles('reseller'), event, ancestors)).toBe(true);
    expect(isAffected(queryKeys.orgTree, event, ancestors)).toBe(true);
    expect(isAffected(queryKeys.invoices({ orgId: 'reseller', includeChildren: false }, {}), event, ancestors)).toBe(false);
    expect(rootsAffectedBy('invoice')).toEqual(['invoice', 'spend', 'projected', 'home']);
    expect(rootsAffectedBy('unknown')).toEqual([]);
  });

  it('refreshes Home for a change anywhere below the organization it shows, never for one beside it', () => {
    for (const entity of ['user', 'subscription', 'invoice', 'organization', 'audit_event', 'sync_issue']) {
      expect(isAffected(queryKeys.home('provider'), { entity, orgId: 'reseller' }, ancestors), entity).toBe(true);
    }
    expect(isAffected(queryKeys.home('reseller'), { entity: 'invoice', orgId: 'direct' }, ancestors)).toBe(false);
    expect(isAffected(queryKeys.home('provider'), { entity: 'role', orgId: 'provider' }, ancestors)).toBe(false);
    expect(isAffected(queryKeys.home('provider'), { entity: 'sync_issue', orgId: null }, ancestors)).toBe(true);
  });

  it('touches every scope when the event names no organization or the tree is not known', () => {
    expect(isAffected(queryKeys.subscriptions({ orgId: 'direct', includeChildren: false }), { entity: 'subscription', orgId: null }, ancestors)).toBe(true);
    expect(isAffected(queryKeys.subscriptions({ orgId: 'provider', includeChildren: true }), { entity: 'subscription', orgId: 'new-org' }, ancestors)).toBe(true);
    expect(isAffected(queryKeys.subscriptions({ orgId: 'provider', includeChildren: true }), { entity: 'subscription', orgId: 'x' }, () => null)).toBe(true);
  });

  it('never touches the session or app info, and refreshes unscoped keys of the entity', () => {
    expect(isAffected(queryKeys.session, { entity: 'user', orgId: null }, ancestors)).toBe(false);
    expect(isAffected(queryKeys.user('u1'), { entity: 'user', orgId: 'customer' }, ancestors)).toBe(true);
    expect(isAffected(queryKeys.syncIssues(false), { entity: 'sync_issue', orgId: null }, ancestors)).toBe(true);
  });

  it('survives a cycle in the parents', () => {
    const loop = ancestorsFrom(new Map([['a', 'b'], ['b', 'a']]));
    expect(loop('a')).toEqual(['b', 'a']);
    expect(loop('zzz')).toBeNull();
  });
});
