import type { Permission } from './permissions';

/**
 * The organization hierarchy as parent and child links. Only organizations whose ancestry is
 * sound are in it: one caught in a parent cycle, listed twice with different parents, or below
 * such an organization is left out, so every scope check on it answers false.
 */
export interface OrgTree {
  /** The parent of each organization, or null when its parent is not in the tree. */
  readonly parentOf: ReadonlyMap<string, string | null>;
  readonly childrenOf: ReadonlyMap<string, readonly string[]>;
}

export interface OrgLink {
  readonly id: string;
  readonly parentId: string | null;
}

type Ancestry = 'sound' | 'broken' | 'walking';

export function buildOrgTree(orgs: readonly OrgLink[]): OrgTree {
  const declaredParent = new Map<string, string | null>();
  const ancestry = new Map<string, Ancestry>();
  for (const { id, parentId } of orgs) {
    if (declaredParent.has(id) && declaredParent.get(id) !== parentId) ancestry.set(id, 'broken');
    else declaredParent.set(id, parentId);
  }

  // A client holds only the organizations in its scope, so an unlisted parent makes a root.
  const parentOf = new Map<string, string | null>();
  for (const [id, parentId] of declaredParent) {
    parentOf.set(id, parentId !== null && declaredParent.has(parentId) ? parentId : null);
  }

  for (const id of parentOf.keys()) {
    const walked: string[] = [];
    let current: string | null = id;
    let verdict: Ancestry = 'sound';
    while (current !== null) {
      const known = ancestry.get(current);
      if (known === 'walking') verdict = 'broken';
      else if (known !== undefined) verdict = known;
      if (known !== undefined) break;
      ancestry.set(current, 'walking');
      walked.push(current);
      current = parentOf.get(current) ?? null;
    }
    for (const walkedId of walked) ancestry.set(walkedId, verdict);
  }

  const soundParentOf = new Map<string, string | null>();
  const childrenOf = new Map<string, string[]>();
  for (const [id, parentId] of parentOf) {
    if (ancestry.get(id) !== 'sound') continue;
    soundParentOf.set(id, parentId);
    childrenOf.set(id, []);
  }
  for (const [id, parentId] of soundParentOf) {
    if (parentId !== null) childrenOf.get(parentId)?.push(id);
  }
  return { parentOf: soundParentOf, childrenOf };
}

/** Parent first, up to the root of the tree; empty for an unknown organization. */
export function ancestorsOf(orgId: string, tree: OrgTree): string[] {
  const ancestors: string[] = [];
  let parentId = tree.parentOf.get(orgId) ?? null;
  while (parentId !== null) {
    ancestors.push(parentId);
    parentId = tree.parentOf.get(parentId) ?? null;
  }
  return ancestors;
}

/**
 * Every organization below orgId; empty for an unknown organization. Breadth first, or depth first
 * in tree order (each organization followed by everything below it, as a nested list shows them).
 */
export function descendantsOf(orgId: string, tree: OrgTree, order: 'breadth' | 'depth' = 'breadth'): string[] {
  if (order === 'depth') {
    const descendants: string[] = [];
    const pending = [...(tree.childrenOf.get(orgId) ?? [])].reverse();
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      descendants.push(next);
      pending.push(...[...(tree.childrenOf.get(next) ?? [])].reverse());
    }
    return descendants;
  }
  const descendants = [...(tree.childrenOf.get(orgId) ?? [])];
  for (let index = 0; index < descendants.length; index += 1) {
    const children = tree.childrenOf.get(descendants[index] ?? '') ?? [];
    for (const child of children) descendants.push(child);
  }
  return descendants;
}

/** The actor's own organization and every organization below it. */
export function orgsInScope(actorOrgId: string, tree: OrgTree): string[] {
  return tree.parentOf.has(actorOrgId) ? [actorOrgId, ...descendantsOf(actorOrgId, tree)] : [];
}

/** A user acts in their own organization and below it; never sideways or upward. */
export function isInScope(actorOrgId: string, targetOrgId: string, tree: OrgTree): boolean {
  if (!tree.parentOf.has(actorOrgId) || !tree.parentOf.has(targetOrgId)) return false;
  let current: string | null = targetOrgId;
  while (current !== null) {
    if (current === actorOrgId) return true;
    current = tree.parentOf.get(current) ?? null;
  }
  return false;
}

export interface Actor {
  readonly orgId: string;
  /** The actor's effective permissions (roles and individual permissions together). */
  readonly permissions: readonly Permission[];
}

export function can(actor: Actor, permission: Permission, targetOrgId: string, tree: OrgTree): boolean {
  return actor.permissions.includes(permission) && isInScope(actor.orgId, targetOrgId, tree);
}
