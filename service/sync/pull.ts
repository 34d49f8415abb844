import type { Permission } from '@shared/domain/permissions';
import { SCHEMA_VERSION, type Change, type PullQuery, type PullResponse, type SyncedEntityName } from '@shared/sync/protocol';
import type { Actor } from '../auth/actor';
import { ENTITY_TABLES, type Row } from '../db/rows';
import type { ServiceDeps } from '../deps';
import { OUTCOME_WINDOW, clientOfAnotherUser, toRecorded, type MutationRow } from './clients';
import { countKey, lastCount, rememberCount } from './remaining';
import type { Sql } from '../db/store';

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
 * Parameters: `after` the cursor expression, $2 scope (uuid[]), $3 entity tables for tombstones (text[]).
 */
function branches(tables: readonly string[], after: string, limit: string | null): string[] {
  const tail = limit === null ? '' : ` ORDER BY seq LIMIT ${limit}`;
  // A page walks each seq index and tests its rows against the scope, an array the planner hashes.
  // A count reads every row after the cursor; there the scope is a set to join against, which
  // PostgreSQL plans without estimating each of its members (at 2,000 organizations, 18 ms of
  // planning for a statement that then ran 8).
  const inScope = limit === null ? 'org_id IN (SELECT unnest($2::uuid[]))' : 'org_id = ANY ($2::uuid[])';
  return [
    ...tables.map((table) => `SELECT seq, '${table}'::text AS src FROM ${table} WHERE seq > ${after} AND ${inScope}${tail}`),
    `SELECT seq, '${TOMBSTONES}'::text AS src FROM ${TOMBSTONES} WHERE seq > ${after} AND ${inScope} AND entity_table = ANY ($3::text[])${tail}`,
  ];
}

/** Each table's row of a page key, looked up by its seq index (a user's password hash stays home). */
function rowOf(tables: readonly string[]): string {
  const cases = [...tables, TOMBSTONES].map(
    (table) => `WHEN '${table}' THEN (SELECT to_jsonb(t)${table === 'users' ? " - 'password_hash'" : ''} FROM ${table} t WHERE t.seq = page.seq)`,
  );
  return `CASE page.src ${cases.join(' ')} END`;
}

/**
 * The pull's page in one statement, which reads one snapshot (no transaction to begin and end)
 * in one round trip: the page's rows, the client row, and the outcomes of its latest mutations.
 * Parameters: $1 cursor, $2 scope, $3 entity tables, $4 limit, $5 client id, $6 outcome window.
 */
function pageStatement(tables: readonly string[]): string {
  const union = branches(tables, '$1', '$4')
    .map((branch) => `(${branch})`)
    .join('\n UNION ALL ');
  return `WITH page AS (SELECT seq, src FROM (${union}) keys ORDER BY seq LIMIT $4),
     client AS (SELECT user_id, last_mutation_id FROM sync_clients WHERE client_id = $5)
   SELECT
     (SELECT json_agg(json_build_array(page.seq, page.src, ${rowOf(tables)}) ORDER BY page.seq) FROM page) AS changes,
     (SELECT row_to_json(client) FROM client) AS client,
     (SELECT json_agg(m ORDER BY m.mutation_id) FROM (
        SELECT mutation_id, payload_hash, status, code, message, current FROM sync_mutations
        WHERE client_id = $5 AND mutation_id > (SELECT last_mutation_id FROM client) - $6
      ) m) AS outcomes`;
}

/**
 * What is still to send after a cursor (n), and the highest seq among it (max), counted apart
 * from the page: folded into the page's statement, its plan (every table twice) took 6 ms to make
 * on every pull, more than the round trip it saved. Used after a full page only, and then mostly
 * for the few rows after the last count (remaining.ts).
 * Parameters: $1 cursor, $2 scope, $3 entity tables.
 */
function countStatement(tables: readonly string[]): string {
  const counts = branches(tables, '$1', null).map((branch) => `SELECT count(*) AS n, max(seq) AS m FROM (${branch}) c`);
  return `SELECT coalesce(sum(n), 0)::int AS n, max(m) AS max FROM (${counts.join(' UNION ALL ')}) counts`;
}

async function countAfter(sql: Sql, tables: readonly string[], cursor: number, scope: readonly string[]): Promise<{ n: number; max: number | null }> {
  const [row] = await sql.query<{ n: number; max: number | null }>(countStatement(tables), [cursor, scope, tables]);
  return { n: Number(row?.n ?? 0), max: row?.max === null || row?.max === undefined ? null : Number(row.max) };
}

/**
 * The rows still to send after a full page that ends at `cursor`: counted from this client's
 * last answer when it asked right after it (remaining.ts), else counted whole.
 */
async function remainingAfter(sql: Sql, clientId: string, query: PullQuery, page: { cursor: number; rows: number }, scope: readonly string[], tables: readonly string[]): Promise<number> {
  const key = countKey(scope, tables);
  const last = lastCount(sql, clientId, key, query.cursor);
  let remaining: number;
  let maxSeq: number;
  if (last === null) {
    const whole = await countAfter(sql, tables, page.cursor, scope);
    remaining = whole.n;
    maxSeq = Math.max(page.cursor, whole.max ?? 0);
  } else {
    const fresh = await countAfter(sql, tables, last.maxSeq, scope);
    // The page's rows were all counted once: before last.maxSeq in last.remaining, after it in fresh.n.
    remaining = Math.max(0, last.remaining + fresh.n - page.rows);
    maxSeq = Math.max(last.maxSeq, fresh.max ?? 0);
  }
  rememberCount(sql, clientId, { key, cursor: page.cursor, remaining, maxSeq });
  return remaining;
}

interface PageRow {
  changes: [number, string, Row][] | null;
  client: { user_id: string; last_mutation_id: number } | null;
  outcomes: MutationRow[] | null;
}

function toChange(seq: number, src: string, row: Row): Change | null {
  if (src === TOMBSTONES) {
    const entity = ENTITY_OF_TABLE.get(String(row['entity_table']));
    if (entity === undefined) return null;
    return { seq, entity, id: String(row['id']), orgId: String(row['org_id']), op: 'delete', version: Number(row['version']), data: null };
  }
  const entity = ENTITY_OF_TABLE.get(src)!;
  return { seq, entity, id: String(row['id']), orgId: String(row['org_id']), op: 'upsert', version: Number(row['version']), data: ENTITY_TABLES[entity].toWire(row) };
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
  const [row] = await deps.store.queryPrepared<PageRow>(pageStatement(tables), [query.cursor, scope, tables, query.limit, query.clientId, OUTCOME_WINDOW]);
  const client = row?.client ?? null;
  if (client !== null && client.user_id !== actor.user.id) throw clientOfAnotherUser();
  const keys = row?.changes ?? [];
  const changes = keys.flatMap(([seq, src, data]) => toChange(Number(seq), src, data) ?? []);
  const cursor = keys.length === 0 ? query.cursor : Number(keys.at(-1)![0]);
  let remaining = 0;
  if (keys.length < query.limit) rememberCount(deps.store, query.clientId, null);
  else remaining = await remainingAfter(deps.store, query.clientId, query, { cursor, rows: keys.length }, scope, tables);
  return {
    changes,
    cursor,
    hasMore: remaining > 0,
    remaining,
    schemaVersion: SCHEMA_VERSION,
    lastMutationId: Number(client?.last_mutation_id ?? 0),
    outcomes: client === null ? [] : (row?.outcomes ?? []).map((outcome) => toRecorded(outcome).outcome),
  };
}
