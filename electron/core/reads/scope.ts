import type { CacheDatabase } from '../db/open';
import { all, memoized, one } from './sql';

/** An organization, and with includeChildren every organization below it. */
export interface OrgScope {
  orgId: string;
  includeChildren?: boolean;
}

/**
 * A CTE named `scope` (column id): the organization @scopeOrgId, plus its descendants when
 * @includeChildren is 1. Rooted in the organizations table, so an organization the cache does not
 * hold makes an empty scope. UNION (not UNION ALL) stops at a parent cycle instead of looping.
 * Bind with scopeParams(). Queries continue with `, other AS (...)` or the statement itself.
 */
export const WITH_SCOPE = `WITH RECURSIVE scope(id) AS (
  SELECT id FROM organizations WHERE id = @scopeOrgId
  UNION
  SELECT o.id FROM organizations o JOIN scope s ON o.parent_id = s.id WHERE @includeChildren = 1
)`;

export function scopeParams(scope: OrgScope): { scopeOrgId: string; includeChildren: 0 | 1 } {
  return { scopeOrgId: scope.orgId, includeChildren: scope.includeChildren === true ? 1 : 0 };
}

/** The ids of the organizations in scope, the root first; empty for an organization not in the cache. */
export function orgIdsInScope(db: CacheDatabase, scope: OrgScope): string[] {
  const rows = all<{ id: string }>(db, `${WITH_SCOPE} SELECT id FROM scope`, scopeParams(scope));
  const ids = rows.map((row) => row.id);
  // The CTE yields the root first in practice; make it a promise rather than an accident.
  return ids.includes(scope.orgId) ? [scope.orgId, ...ids.filter((id) => id !== scope.orgId)] : [];
}

export interface ResolvedScope {
  orgIds: string[];
  /** Every organization in the cache is in scope (the provider with its children): no filter needed. */
  whole: boolean;
  /** orgIds as a JSON array, to bind as `org_id IN (SELECT value FROM json_each(@orgIds))`. */
  json: string;
}

/**
 * The scope resolved once and kept until the cache changes: the recursive walk costs a few
 * milliseconds over thousands of organizations, and a search runs a query per keystroke.
 */
export function resolveScope(db: CacheDatabase, scope: OrgScope): ResolvedScope {
  return memoized(db, `scope:${scope.orgId}:${scope.includeChildren === true}`, () => {
    const orgIds = orgIdsInScope(db, scope);
    const count = one<{ n: number }>(db, 'SELECT count(*) AS n FROM organizations')?.n ?? 0;
    return { orgIds, whole: orgIds.length > 0 && orgIds.length === count, json: JSON.stringify(orgIds) };
  });
}
