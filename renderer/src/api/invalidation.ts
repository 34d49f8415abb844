import type { QueryRoot, QueryScope } from './query-keys';

/**
 * Which cached queries a core event makes stale. data.changed names an entity and an organization
 * (null: several); a query is touched when its root depends on that entity and its scope covers
 * the organization: the same one, or an ancestor read with includeChildren.
 */

/** The query roots each entity's rows feed, beyond its own. */
const DEPENDENTS: Readonly<Record<string, readonly QueryRoot[]>> = {
  // Users: role member counts, the switcher's active users, seats in the projected invoice, the contact picker, Home.
  user: ['user', 'role', 'orgs', 'projected', 'billing-viewers', 'organization', 'home'],
  // Roles: users show role names, filter by role, and who may see billing follows from roles.
  role: ['role', 'user', 'billing-viewers'],
  organization: ['organization', 'orgs', 'user', 'subscription', 'invoice', 'projected', 'home'],
  billing_contact: ['billing_contact'],
  subscription: ['subscription', 'projected', 'spend', 'home'],
  invoice: ['invoice', 'spend', 'projected', 'home'],
  payment_method: ['payment_method'],
  // Home counts a resent invitation as a new one (its audit event).
  audit_event: ['audit_event', 'home'],
  sync_issue: ['sync_issue', 'home'],
};

export function rootsAffectedBy(entity: string): readonly QueryRoot[] {
  return DEPENDENTS[entity] ?? [];
}

export interface ChangeEvent {
  entity: string;
  orgId: string | null;
}

function isScope(value: unknown): value is QueryScope {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { orgId?: unknown }).orgId === 'string' &&
    typeof (value as { includeChildren?: unknown }).includeChildren === 'boolean'
  );
}

/**
 * @param ancestorsOf the organization's ancestors (parent first), or null when the tree is not known
 *   yet; then every query that includes children is treated as touched.
 */
export function isAffected(queryKey: readonly unknown[], event: ChangeEvent, ancestorsOf: (orgId: string) => readonly string[] | null): boolean {
  const [root, scope] = queryKey;
  if (typeof root !== 'string' || !rootsAffectedBy(event.entity).includes(root as QueryRoot)) return false;
  if (!isScope(scope) || event.orgId === null) return true;
  if (scope.orgId === event.orgId) return true;
  if (!scope.includeChildren) return false;
  const ancestors = ancestorsOf(event.orgId);
  return ancestors === null || ancestors.includes(scope.orgId);
}

/** Ancestors lookup over the switcher's tree (id → parentId). */
export function ancestorsFrom(parents: ReadonlyMap<string, string | null>): (orgId: string) => string[] | null {
  return (orgId) => {
    if (!parents.has(orgId)) return null;
    const ancestors: string[] = [];
    let current = parents.get(orgId) ?? null;
    while (current !== null && !ancestors.includes(current)) {
      ancestors.push(current);
      current = parents.get(current) ?? null;
    }
    return ancestors;
  };
}
