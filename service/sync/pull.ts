import type { Permission } from '@shared/domain/permissions';
import { SCHEMA_VERSION, type Change, type PullQuery, type PullResponse, type SyncedEntityName } from '@shared/sync/protocol';
import type { Actor } from '../auth/actor';
import { ENTITY_TABLES, type Row } from '../db/rows';
import type { Sql } from '../db/store';
import type { ServiceDeps } from '../deps';
import { readSyncClient, recentOutcomes } from './clients';

/** What an actor needs (anywhere in scope) to receive each entity; an organization needs nothing. */
export const VIEW_PERMISSION: Readonly<Record<SyncedEntityName, Permission | null>> = {
  organization: null,
  user: 'users.view',
  role: 'users.view',
  billing_contact: 'billing.view',
  invoice: 'billing.view',
  payment_method: 'billing.view',
  subscription: 'subscriptions.view',
  audit_event: 'audit.view',
};

const ENTITY_OF_TABLE = new Map<string, SyncedEntityName>(
  (Object.keys(ENTITY_TABLES) as SyncedEntityName[]).map((entity) => [ENTITY_TABLES[entity].table, entity]),
);

export function visibleEntities(actor: Actor): SyncedEntityName[] {
  return (Object.keys(VIEW_PERMISSION) as SyncedEntityName[]).filter((entity) => {
    const permission = VIEW_PERMISSION[entity];
    return permission === null || actor.permissions.includes(permission);
  });
}

const TOMBSTONES = 'tombstones';

/**
 * The rows after the cursor that the actor may see, as (seq, table) pairs: one branch per table,
 * each walking its seq index and stopping at the limit, so a page never reads a whole table.
 * Parameters: $1 cursor, $2 scope (uuid[]), $3 entity tables for tombstones (text[]).
 */
function branches(tables: readonly string[], limit: string | null): string[] {
  const tail = limit === null ? '' : ` ORDER BY seq LIMIT ${limit}`;
  return [
    ...tables.map((table) => `SELECT seq, '${table}'::text AS src FROM ${table} WHERE seq > $1 AND org_id = ANY ($2::uuid[])${tail}`),
    `SELECT seq, '${TOMBSTONES}'::text AS src FROM ${TOMBSTONES} WHERE seq > $1 AND org_id = ANY ($2::uuid[]) AND entity_table = ANY ($3::text[])${tail}`,
  ];
}

async function pageKeys(tx: Sql, tables: readonly string[], cursor: number, scope: string[], limit: number): Promise<{ seq: number; src: string }[]> {
  const union = branches(tables, '$4')
    .map((branch) => `(${branch})`)
    .join('\n UNION ALL ');
  const rows = await tx.query<{ seq: number; src: string }>(`SELECT seq, src FROM (${union}) page ORDER BY seq LIMIT $4`, [cursor, scope, tables, limit]);
  return rows.map((row) => ({ seq: Number(row.seq), src: row.src }));
}

async function countAfter(tx: Sql, tables: readonly string[], cursor: number, scope: string[]): Promise<number> {
  const counts = branches(tables, null).map((branch) => `(SELECT count(*) FROM (${branch}) c)`);
  const [row] = await tx.query<{ n: number }>(`SELECT (${counts.join(' + ')})::int AS n`, [cursor, scope, tables]);
  return Number(row?.n ?? 0);
}

/**
 * The rows of the page: for each table with rows in it, the seq range (cursor, last] in scope,
 * which walks the seq index (a `seq = ANY (...)` list would not, without statistics).
 */
async function loadChanges(tx: Sql, keys: readonly { seq: number; src: string }[], cursor: number, scope: string[], tables: readonly string[]): Promise<Change[]> {
  const last = keys.at(-1)?.seq;
  if (last === undefined) return [];
  const changes: Change[] = [];
  for (const src of new Set(keys.map((key) => key.src))) {
    if (src === TOMBSTONES) {
      const rows = await tx.query<Row>(
        `SELECT seq, entity_table, id, org_id, version FROM ${TOMBSTONES}
         WHERE seq > $1 AND seq <= $2 AND org_id = ANY ($3::uuid[]) AND entity_table = ANY ($4::text[])`,
        [cursor, last, scope, tables],
      );
      for (const row of rows) {
        const entity = ENTITY_OF_TABLE.get(String(row['entity_table']));
        if (entity === undefined) continue;
        changes.push({ seq: Number(row['seq']), entity, id: String(row['id']), orgId: String(row['org_id']), op: 'delete', version: Number(row['version']), data: null });
      }
      continue;
    }
    const entity = ENTITY_OF_TABLE.get(src)!;
    const rows = await tx.query<Row>(`SELECT * FROM ${src} WHERE seq > $1 AND seq <= $2 AND org_id = ANY ($3::uuid[])`, [cursor, last, scope]);
    for (const row of rows) {
      changes.push({
        seq: Number(row['seq']),
        entity,
        id: String(row['id']),
        orgId: String(row['org_id']),
        op: 'upsert',
        version: Number(row['version']),
        data: ENTITY_TABLES[entity].toWire(row),
      });
    }
  }
  return changes.sort((a, b) => a.seq - b.seq);
}

/**
 * GET /v1/sync/pull: from one snapshot, the upserts and tombstones after the cursor in the
 * actor's scope, of the entities the actor may view, in change order. `remaining` counts what
 * is still to send after this page, for bootstrap progress; `outcomes` are those of the
 * client's latest mutations (see OUTCOME_WINDOW).
 */
export async function pull(deps: ServiceDeps, actor: Actor, query: PullQuery): Promise<PullResponse> {
  const entities = visibleEntities(actor);
  const tables = entities.map((entity) => ENTITY_TABLES[entity].table);
  const scope = [...actor.scope];
  return deps.store.snapshot(async (tx) => {
    const client = await readSyncClient(tx, query.clientId, actor);
    const lastMutationId = client?.lastMutationId ?? 0;
    const keys = await pageKeys(tx, tables, query.cursor, scope, query.limit);
    const changes = await loadChanges(tx, keys, query.cursor, scope, tables);
    const cursor = keys.at(-1)?.seq ?? query.cursor;
    const remaining = keys.length < query.limit ? 0 : await countAfter(tx, tables, cursor, scope);
    return {
      changes,
      cursor,
      hasMore: remaining > 0,
      remaining,
      schemaVersion: SCHEMA_VERSION,
      lastMutationId,
      outcomes: client === null ? [] : await recentOutcomes(tx, query.clientId, lastMutationId),
    };
  });
}
