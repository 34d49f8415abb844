import { describe, expect, it } from 'vitest';
import { ancestorsOf, buildOrgTree, can, descendantsOf, isInScope, orgsInScope } from './org-scope';
import type { Permission } from './permissions';

// provider -> reseller -> customer (grandchild); provider -> direct; another provider beside.
const tree = buildOrgTree([
  { id: 'customer', parentId: 'reseller' },
  { id: 'provider', parentId: null },
  { id: 'reseller', parentId: 'provider' },
  { id: 'direct', parentId: 'provider' },
  { id: 'other-provider', parentId: null },
  { id: 'other-customer', parentId: 'other-provider' },
]);

const billingAdmin = { orgId: 'provider', permissions: ['billing.view', 'billing.edit'] as Permission[] };

describe('isInScope', () => {
  it('includes the own organization and everything below it', () => {
    expect(isInScope('provider', 'provider', tree)).toBe(true);
    expect(isInScope('provider', 'reseller', tree)).toBe(true);
    expect(isInScope('provider', 'customer', tree)).toBe(true);
    expect(isInScope('reseller', 'customer', tree)).toBe(true);
  });

  it('never reaches sideways or upward', () => {
    expect(isInScope('reseller', 'direct', tree)).toBe(false);
    expect(isInScope('reseller', 'provider', tree)).toBe(false);
    expect(isInScope('customer', 'reseller', tree)).toBe(false);
    expect(isInScope('provider', 'other-customer', tree)).toBe(false);
  });

  it('refuses unknown organizations', () => {
    expect(isInScope('provider', 'nowhere', tree)).toBe(false);
    expect(isInScope('nowhere', 'provider', tree)).toBe(false);
    expect(isInScope('nowhere', 'nowhere', tree)).toBe(false);
  });
});

describe('can', () => {
  it('needs the permission and the scope together', () => {
    expect(can(billingAdmin, 'billing.edit', 'provider', tree)).toBe(true);
    expect(can(billingAdmin, 'billing.edit', 'reseller', tree)).toBe(true);
    expect(can(billingAdmin, 'billing.edit', 'customer', tree)).toBe(true);
    expect(can(billingAdmin, 'users.manage', 'customer', tree)).toBe(false);
    expect(can(billingAdmin, 'billing.view', 'other-provider', tree)).toBe(false);
    expect(can(billingAdmin, 'billing.view', 'nowhere', tree)).toBe(false);
  });

  it('refuses a reseller acting on its sibling or its parent', () => {
    const reseller = { ...billingAdmin, orgId: 'reseller' };
    expect(can(reseller, 'billing.view', 'direct', tree)).toBe(false);
    expect(can(reseller, 'billing.view', 'provider', tree)).toBe(false);
  });
});

describe('walking the tree', () => {
  it('lists the organizations in scope: self first, then below', () => {
    expect(orgsInScope('provider', tree)).toEqual(['provider', 'reseller', 'direct', 'customer']);
    expect(orgsInScope('customer', tree)).toEqual(['customer']);
    expect(orgsInScope('nowhere', tree)).toEqual([]);
  });

  it('lists ancestors nearest first and descendants breadth first', () => {
    expect(ancestorsOf('customer', tree)).toEqual(['reseller', 'provider']);
    expect(ancestorsOf('provider', tree)).toEqual([]);
    expect(ancestorsOf('nowhere', tree)).toEqual([]);
    expect(descendantsOf('provider', tree)).toEqual(['reseller', 'direct', 'customer']);
    expect(descendantsOf('nowhere', tree)).toEqual([]);
  });

  it('lists descendants depth first in tree order, as a nested list shows them', () => {
    expect(descendantsOf('provider', tree, 'depth')).toEqual(['reseller', 'customer', 'direct']);
    expect(descendantsOf('customer', tree, 'depth')).toEqual([]);
    expect(descendantsOf('nowhere', tree, 'depth')).toEqual([]);
  });

  it('treats an organization whose parent is not held as a root', () => {
    const partial = buildOrgTree([
      { id: 'reseller', parentId: 'provider' },
      { id: 'customer', parentId: 'reseller' },
    ]);
    expect(ancestorsOf('customer', partial)).toEqual(['reseller']);
    expect(isInScope('reseller', 'customer', partial)).toBe(true);
    expect(isInScope('provider', 'reseller', partial)).toBe(false);
  });
});

describe('a broken hierarchy', () => {
  it('leaves out organizations in or below a parent cycle', () => {
    const cyclic = buildOrgTree([
      { id: 'root', parentId: null },
      { id: 'a', parentId: 'b' },
      { id: 'b', parentId: 'a' },
      { id: 'below', parentId: 'a' },
      { id: 'self', parentId: 'self' },
      { id: 'fine', parentId: 'root' },
    ]);
    for (const id of ['a', 'b', 'below', 'self']) {
      expect(isInScope(id, id, cyclic)).toBe(false);
      expect(ancestorsOf(id, cyclic)).toEqual([]);
      expect(descendantsOf(id, cyclic)).toEqual([]);
    }
    expect(isInScope('a', 'b', cyclic)).toBe(false);
    expect(isInScope('b', 'a', cyclic)).toBe(false);
    expect(orgsInScope('root', cyclic)).toEqual(['root', 'fine']);
  });

  it('leaves out an organization listed twice with different parents, and what is below it', () => {
    const ambiguous = buildOrgTree([
      { id: 'p1', parentId: null },
      { id: 'p2', parentId: null },
      { id: 'twice', parentId: 'p1' },
      { id: 'twice', parentId: 'p2' },
      { id: 'child', parentId: 'twice' },
    ]);
    expect(isInScope('p1', 'twice', ambiguous)).toBe(false);
    expect(isInScope('p2', 'child', ambiguous)).toBe(false);
    expect(orgsInScope('p1', ambiguous)).toEqual(['p1']);
  });

  it('accepts the same organization listed twice with the same parent', () => {
    const repeated = buildOrgTree([
      { id: 'p', parentId: null },
      { id: 'c', parentId: 'p' },
      { id: 'c', parentId: 'p' },
    ]);
    expect(orgsInScope('p', repeated)).toEqual(['p', 'c']);
  });
});
