import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Permission } from '@shared/domain/permissions';
import type { OrgNode } from '@shared/ipc/models';
import { openingOrg, useScopeStore } from '../state/scope-store';
import { useCore } from './core-context';
import { queryKeys, type QueryScope } from './query-keys';

export function useOrgTree() {
  const core = useCore();
  return useQuery({ queryKey: queryKeys.orgTree, queryFn: () => core.orgs.tree() });
}

export interface OrgIndex {
  list: readonly OrgNode[];
  byId: ReadonlyMap<string, OrgNode>;
  childrenOf: ReadonlyMap<string | null, readonly OrgNode[]>;
}

export function indexOrgs(list: readonly OrgNode[]): OrgIndex {
  const byId = new Map(list.map((org) => [org.id, org]));
  const childrenOf = new Map<string | null, OrgNode[]>();
  for (const org of list) {
    const parent = org.parentId !== null && byId.has(org.parentId) ? org.parentId : null;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), org]);
  }
  return { list, byId, childrenOf };
}

/** Every organization below orgId in the index, depth first in tree order. */
export function descendants(index: OrgIndex, orgId: string): OrgNode[] {
  const out: OrgNode[] = [];
  const visit = (id: string) => {
    for (const child of index.childrenOf.get(id) ?? []) {
      if (out.includes(child)) continue;
      out.push(child);
      visit(child.id);
    }
  };
  visit(orgId);
  return out;
}

export function useOrgIndex(): OrgIndex | null {
  const tree = useOrgTree();
  return useMemo(() => (tree.data === undefined ? null : indexOrgs(tree.data)), [tree.data]);
}

/** The organization the screens show (see openingOrg), as an OrgNode, with the scope for queries. */
export function useCurrentOrg(): { org: OrgNode | null; scope: QueryScope | null; index: OrgIndex | null } {
  const index = useOrgIndex();
  const orgId = useScopeStore((state) => state.orgId);
  const includeChildren = useScopeStore((state) => state.includeChildren);
  const org = useMemo(() => (index === null ? null : openingOrg(index.list, orgId)), [index, orgId]);
  const scope = useMemo(() => (org === null ? null : { orgId: org.id, includeChildren }), [org, includeChildren]);
  return { org, scope, index };
}

/** Whether the signed-in user holds a permission in an organization (OrgNode.permissions). */
export function usePermissions() {
  const index = useOrgIndex();
  return useMemo(
    () =>
      (permission: Permission, orgId: string | null | undefined): boolean =>
        orgId !== null && orgId !== undefined && (index?.byId.get(orgId)?.permissions.includes(permission) ?? false),
    [index],
  );
}
