import { z } from 'zod';
import { ancestorsOf, buildOrgTree } from '@shared/domain/org-scope';
import type { OrgKind } from '@shared/domain/organization';
import { permissionSchema, type Permission } from '@shared/domain/permissions';
import type { OrgNode } from '@shared/ipc/models';
import type { CacheDatabase } from '../db/open';
import { all, one, pendingSql } from './sql';

/**
 * The part of the stored /v1/me answer (kv 'me') the reads use. Loose on purpose: whatever else
 * the service adds to the answer is ignored, and a permission this build does not know is
 * dropped rather than failing the whole organization switcher.
 */
const storedMeSchema = z.object({
  orgs: z.array(
    z.object({
      id: z.string(),
      permissions: z.array(z.unknown()).transform((list) => list.filter((p): p is Permission => permissionSchema.safeParse(p).success)),
    }),
  ),
});

/** The signed-in user's effective permissions per organization, from kv 'me'; empty when signed out. */
export function signedInPermissions(db: CacheDatabase): Map<string, Permission[]> {
  const row = one<{ value: string }>(db, "SELECT value FROM kv WHERE key = 'me'");
  const permissions = new Map<string, Permission[]>();
  if (row === undefined) return permissions;
  let stored: unknown;
  try {
    stored = JSON.parse(row.value);
  } catch {
    return permissions;
  }
  const parsed = storedMeSchema.safeParse(stored);
  if (!parsed.success) return permissions;
  for (const org of parsed.data.orgs) permissions.set(org.id, org.permissions);
  return permissions;
}

interface OrgLine {
  id: string;
  name: string;
  kind: OrgKind;
  parent_id: string | null;
  active_users: number;
  pending: number;
}

/**
 * The signed-in user's permissions in each organization of the copy: what /v1/me listed for it,
 * else what it listed for the nearest organization above it. Permissions apply in the user's
 * organization and every one below it (service/auth/actor.ts), so an organization created since
 * /v1/me answered (queued here, or pulled after another admin made it) opens at once; one with no
 * listed organization above it gets none.
 */
function permissionsInCopy(rows: readonly OrgLine[], listed: ReadonlyMap<string, Permission[]>): Map<string, Permission[]> {
  const tree = buildOrgTree(rows.map((row) => ({ id: row.id, parentId: row.parent_id })));
  const permissions = new Map<string, Permission[]>();
  for (const row of rows) {
    const from = [row.id, ...ancestorsOf(row.id, tree)].find((id) => listed.has(id));
    permissions.set(row.id, from === undefined ? [] : listed.get(from)!);
  }
  return permissions;
}

/**
 * Every organization in the cache, in tree order: each parent before its children, siblings by
 * name, so the switcher can indent without sorting. An organization whose parent is not in the
 * cache is a root. permissions are the signed-in user's (see permissionsInCopy); activeUsers
 * counts the active users in the view, so pending edits show at once, and pending marks an
 * organization a queued command created or changed.
 */
export function orgTree(db: CacheDatabase): OrgNode[] {
  const rows = all<OrgLine>(
    db,
    `SELECT o.id, o.name, o.kind, o.parent_id,
            (SELECT count(*) FROM users u WHERE u.org_id = o.id AND u.status = 'active') AS active_users,
            ${pendingSql('organization', 'o')} AS pending
     FROM organizations o
     ORDER BY sort_key(o.name), o.name COLLATE NOCASE, o.id`,
  );
  const permissions = permissionsInCopy(rows, signedInPermissions(db));
  const known = new Set(rows.map((row) => row.id));
  const children = new Map<string | null, OrgLine[]>();
  for (const row of rows) {
    const parent = row.parent_id !== null && known.has(row.parent_id) && row.parent_id !== row.id ? row.parent_id : null;
    const siblings = children.get(parent) ?? [];
    siblings.push(row);
    children.set(parent, siblings);
  }

  const nodes: OrgNode[] = [];
  const placed = new Set<string>();
  const visit = (row: OrgLine) => {
    if (placed.has(row.id)) return;
    placed.add(row.id);
    nodes.push({
      id: row.id,
      name: row.name,
      kind: row.kind,
      parentId: row.parent_id,
      permissions: permissions.get(row.id) ?? [],
      activeUsers: row.active_users,
      pending: row.pending === 1,
    });
    for (const child of children.get(row.id) ?? []) visit(child);
  };
  for (const root of children.get(null) ?? []) visit(root);
  // Organizations caught in a parent cycle have no root above them; list them last rather than lose them.
  for (const row of rows) visit(row);
  return nodes;
}
