import { buildOrgTree, orgsInScope, type OrgTree } from '@shared/domain/org-scope';
import type { CacheDatabase } from '../db/open';
import { all, memoized, one } from './sql';

/** An organization, and with includeChildren every organization below it. */
export interface OrgScope {
  orgId: string;
  includeChildren?: boolean;
}

/**
 * A CTE named `scope` (column id): the organizations in scope, as resolveScope decides them by
 * the shared scope rule (shared/domain/org-scope.ts), bound as a JSON list. Bind with
 * scopeParams(), which also binds @scopeOrgId (the scope's root, for ordering). Queries continue
 * with `, other AS (...)` or the statement itself.
 */
export const WITH_SCOPE = `WITH scope(id) AS (SELECT value FROM json_each(@scopeOrgIds))`;

export function scopeParams(db: CacheDatabase, scope: OrgScope): { scopeOrgId: string; scopeOrgIds: string } {
  return { scopeOrgId: scope.orgId, scopeOrgIds: resolveScope(db, scope).json };
}

/**
 * The copy's organization tree, by the shared rule: an organization whose parent the copy does not
 * hold is a root; one caught in a parent cycle (a damaged copy) is in nobody's scope. Kept until
 * the cache changes.
 */
export function orgTreeOf(db: CacheDatabase): OrgTree {
  return memoized(db, 'org-tree', () =>
    buildOrgTree(all<{ id: string; parent_id: string | null }>(db, 'SELECT id, parent_id FROM organizations').map((row) => ({ id: row.id, parentId: row.parent_id }))),
  );
}

/** The ids of the organizations in scope, the root first; empty for an organization not in the cache. */
export function orgIdsInScope(db: CacheDatabase, scope: OrgScope): string[] {
  const tree = orgTreeOf(db);
  if (!tree.parentOf.has(scope.orgId)) return [];
  return scope.includeChildren === true ? orgsInScope(scope.orgId, tree) : [scope.orgId];
}

export interface ResolvedScope {
  orgIds: string[];
  /** Every organization in the cache is in scope (the provider with its children): no filter needed. */
  whole: boolean;
  /** orgIds as a JSON array, to bind as `org_id IN (SELECT value FROM json_each(@orgIds))`. */
  json: string;
}

/**
 * The scope resolved once and kept until the cache changes: walking thousands of organizations
 * costs a few milliseconds, and a search runs a query per keystroke.
 */
export function resolveScope(db: CacheDatabase, scope: OrgScope): ResolvedScope {
  return memoized(db, `scope:${scope.orgId}:${scope.includeChildren === true}`, () => {
    const orgIds = orgIdsInScope(db, scope);
    const count = one<{ n: number }>(db, 'SELECT count(*) AS n FROM organizations')?.n ?? 0;
    return { orgIds, whole: orgIds.length > 0 && orgIds.length === count, json: JSON.stringify(orgIds) };
  });
}
