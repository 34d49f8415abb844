import { createHash } from 'node:crypto';

/** The part of a /v1/me organization the digest reads. */
export interface ScopeOrg {
  id: string;
  parentId: string | null;
  permissions: readonly string[];
}

/**
 * A stable digest of what only a fresh copy can bring: a different one re-bootstraps the cache
 * (engine.setScope). It covers the roots of the user's scope (the organizations /v1/me lists whose
 * parent it does not) with their permissions, and every distinct permission set in the scope.
 *
 * Organizations below a root are left out on purpose. The service computes the pull scope on
 * every pull (the actor's organization and everything below it), organizations never change
 * parent and are never deleted, so one created below a root, by this admin or any other, arrives
 * with all its rows through ordinary pulls; hashing every id made each new organization anywhere
 * in the tree cost every client a full download. A new root (another organization), a permission
 * gained (older rows of a newly visible kind are needed) or lost (rows to drop) still changes it.
 */
export function scopeDigest(me: { orgs: readonly ScopeOrg[] }): string {
  const listed = new Set(me.orgs.map((org) => org.id));
  const permissionSet = (org: ScopeOrg) => [...new Set(org.permissions)].sort().join(',');
  const lines = new Set<string>();
  for (const org of me.orgs) {
    if (org.parentId === null || !listed.has(org.parentId)) lines.add(`root ${org.id}: ${permissionSet(org)}`);
    lines.add(`permissions ${permissionSet(org)}`);
  }
  return createHash('sha256')
    .update([...lines].sort().join('\n'))
    .digest('hex');
}
