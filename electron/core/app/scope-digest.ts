import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CacheDatabase } from '../db/open';
import { readSyncState, replaceScope } from '../sync/state';

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

/** The digest before scopeDigest: every organization id with its permissions. */
function idsDigest(me: { orgs: readonly ScopeOrg[] }): string {
  const lines = me.orgs.map((org) => `${org.id}:${[...org.permissions].sort().join(',')}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

const storedMeSchema = z.object({
  orgs: z.array(z.object({ id: z.string(), parentId: z.string().nullable(), permissions: z.array(z.string()) })),
});

/**
 * A copy filled under the older digest of every organization id keeps its rows: when that digest
 * is of the /v1/me answer stored beside it (kv 'me'), the copy was filled under exactly that
 * answer, and it is relabelled with scopeDigest of the same answer. Otherwise (no answer kept, or
 * one stored after what the user may see changed) nothing changes, and the next sync decides.
 */
export function carryScopeForward(db: CacheDatabase): void {
  const stored = readSyncState(db).scope;
  const row = db.prepare("SELECT value FROM kv WHERE key = 'me'").get() as { value: string } | undefined;
  if (stored === null || row === undefined) return;
  let value: unknown;
  try {
    value = JSON.parse(row.value);
  } catch {
    return;
  }
  const me = storedMeSchema.safeParse(value);
  if (me.success && idsDigest(me.data) === stored) replaceScope(db, stored, scopeDigest(me.data));
}
