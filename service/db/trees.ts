import { perStore, type Sql } from './store';

/**
 * An organization's provider tree: the id of the provider at its root. Writes name the trees they
 * touch (Store.write) and take their locks. An organization never changes parent and is never
 * deleted, so its root is kept per database handle once known.
 */
const roots = perStore(() => new Map<string, string>());

export async function providerTreeOf(sql: Sql, orgId: string): Promise<string> {
  const known = roots(sql);
  const cached = known.get(orgId);
  if (cached !== undefined) return cached;
  const [row] = await sql.query<{ id: string }>(
    `WITH RECURSIVE up AS (
       SELECT id, parent_id FROM orgs WHERE id = $1
       UNION ALL SELECT o.id, o.parent_id FROM orgs o JOIN up ON o.id = up.parent_id
     ) SELECT id FROM up WHERE parent_id IS NULL`,
    [orgId],
  );
  // No such organization: a write naming it can touch nothing of any tree (its commands answer
  // NOT_FOUND), so its own id, locked by nobody else, is as good as any; it is not remembered.
  if (row === undefined) return orgId;
  known.set(orgId, row.id);
  return row.id;
}

/**
 * The provider tree of every organization at once (organization id -> root id), for work that
 * splits itself into transactions per tree (the lifecycle run). The same rule as providerTreeOf.
 */
export async function providerTrees(sql: Sql): Promise<Map<string, string>> {
  const rows = await sql.query<{ id: string; root: string }>(
    `WITH RECURSIVE down AS (
       SELECT id, id AS root FROM orgs WHERE parent_id IS NULL
       UNION ALL SELECT o.id, down.root FROM orgs o JOIN down ON o.parent_id = down.id
     ) SELECT id, root FROM down`,
  );
  return new Map(rows.map((row) => [row.id, row.root]));
}
