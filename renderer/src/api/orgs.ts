import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { buildOrgTree, descendantsOf, type OrgTree } from '@shared/domain/org-scope';
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
  /** The shared scope rule's tree (shared/domain/org-scope.ts), which decides what is below what. */
  tree: OrgTree;
}

export function indexOrgs(list: readonly OrgNode[]): OrgIndex {
  const byId = new Map(list.map((org) => [org.id, org]));
  const childrenOf = new Map<string | null, OrgNode[]>();
  for (const org of list) {
    const parent = org.parentId !== null && byId.has(org.parentId) ? org.parentId : null;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), org]);
  }
  return { list, byId, childrenOf, tree: buildOrgTree(list) };
}

/** Every organization below orgId in the index, depth first in tree order, by the shared scope rule. */
export function descendants(index: OrgIndex, orgId: string): OrgNode[] {
  return descendantsOf(orgId, index.tree, 'depth').flatMap((id) => index.byId.get(id) ?? []);
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
