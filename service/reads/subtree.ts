import type { Sql } from '../db/store';

/**
 * The scope rule (shared/domain/org-scope.ts: an organization and everything below it) in SQL,
 * as a CTE named `subtree` (column id) rooted at the given parameter, so a query filters by scope
 * without loading the tree; subtree.test.ts proves it agrees with the shared rule. A caller whose
 * scope includes the root also has all of these in scope. The service's organizations cannot form
 * a parent cycle (a parent is set once, at creation, to an existing organization).
 */
export function subtreeCte(rootParam: string): string {
  return `WITH RECURSIVE subtree AS (
    SELECT id FROM orgs WHERE id = ${rootParam}
    UNION SELECT o.id FROM orgs o JOIN subtree s ON o.parent_id = s.id
  )`;
}

/** The organization and every organization below it: orgsInScope of the shared rule, walked by the database. */
export async function orgIdsInSubtree(sql: Sql, orgId: string): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(`${subtreeCte('$1')} SELECT id FROM subtree`, [orgId]);
  return rows.map((row) => row.id);
}
