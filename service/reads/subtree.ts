/**
 * SQL for an organization and every organization below it, as a CTE named `subtree` (column id)
 * rooted at the given parameter. A caller whose scope includes the root also has all of these
 * in scope, since scope is itself "own organization and everything below".
 */
export function subtreeCte(rootParam: string): string {
  return `WITH RECURSIVE subtree AS (
    SELECT id FROM orgs WHERE id = ${rootParam}
    UNION SELECT o.id FROM orgs o JOIN subtree s ON o.parent_id = s.id
  )`;
}
