import type { Permission } from '@shared/domain/permissions';
import { SCHEMA_VERSION, type PullQuery, type PullResponse, type SyncedEntityName } from '@shared/sync/protocol';
import type { Actor } from '../auth/actor';
import { actorKeyColumn, actorKeyParams, confirmActor } from '../auth/kept-actors';
import { ENTITY_TABLES } from '../db/rows';
import type { ServiceDeps } from '../deps';
import { OUTCOME_WINDOW, clientOfAnotherUser, toRecorded, type MutationRow } from './clients';
import { RemainingCounts, countKey, type BucketCounts, type CountBounds } from './remaining';
import { perStore, type Sql } from '../db/store';
import { JsonText } from '../http/route';

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
 * The rows that the actor may see whose seq meets `seqTest` (SQL on the column seq), for a count:
 * one branch per table. A count reads every row in its ranges; the scope is a set to join against,
 * which PostgreSQL plans without estimating each of its members (at 2,000 organizations, 18 ms of
 * planning for a statement that then ran 8). Parameters: $2 scope (uuid[]), $3 entity tables for
 * tombstones (text[]).
 */
function branches(tables: readonly string[], seqTest: string): string[] {
  const inScope = 'org_id IN (SELECT unnest($2::uuid[]))';
  return [
    ...tables.map((table) => `SELECT seq FROM ${table} WHERE ${seqTest} AND ${inScope}`),
    `SELECT seq FROM ${TOMBSTONES} WHERE ${seqTest} AND ${inScope} AND entity_table = ANY ($3::text[])`,
  ];
}

/**
 * The pull's page in one statement, which reads one snapshot (no transaction to begin and end)
 * in one round trip. Its first row (part -1) holds how many changes and the last one's seq, the
 * client row, and the outcomes of its latest mutations; each further row, in order, holds up to
 * CHANGES_PER_PART of the page's changes as the JSON text of a list's items.
 *
 * One branch per table walks its seq index above the cursor, tests each row against the scope
 * and writes the row's change around its stored wire JSON (stored-wire.ts; a user's password
 * hash is not among the wire columns). PostgreSQL merges the branches in seq order and stops at
 * the limit, so only the page's rows (and each branch's next one) are read. Ids are uuids and the
 * rest numbers, so the envelope needs no escaping. A tombstone's entity_table is one of `tables`
 * ($3), so its entity is always named.
 * The changes come in parts so that no string the instance holds is large: V8 keeps a string over
 * 128 KB in memory mapped for it alone (about 150 page faults a pull page of 200, when it was one
 * two-byte string), and a large answer (a bootstrap page of 500) is written from its parts into a
 * Buffer without ever being one string (JsonText).
 * With `count` (the rows left to count are few), a full page's statement counts them too
 * (fewCountSql), in the same snapshot and round trip. The two forms are two statements: one whose
 * count a parameter turned off would be planned afresh each time by PostgreSQL, whose plans for
 * the parameters' values (the count folded away) look cheaper than the generic one.
 * Parameters: $1 cursor, $2 scope, $3 entity tables, $4 limit, $5 client id, $6 outcome window,
 * $7 and $8 the actor's user and session (actorKeyColumn); with `count`, $9 to $12 the count's
 * bounds and bucket width.
 */
function pageStatement(tables: readonly string[], count: boolean): string {
  const envelope = (entity: string, op: string, data: string) =>
    `'{"seq":' || t.seq || ',"entity":"' || ${entity} || '","id":"' || t.id || '","orgId":"' || t.org_id || '","op":"${op}","version":' || t.version || ',"data":' || ${data} || '}'`;
  const entityOfTable = `CASE t.entity_table ${tables.map((table) => `WHEN '${table}' THEN '${ENTITY_OF_TABLE.get(table)!}'`).join(' ')} END`;
  const union = [
    ...tables.map((table) => {
      const entity = ENTITY_OF_TABLE.get(table)!;
      return `(SELECT t.seq, ${envelope(`'${entity}'`, 'upsert', 't.wire')} AS change FROM ${table} t WHERE t.seq > $1 AND t.org_id = ANY ($2::uuid[]) ORDER BY t.seq LIMIT $4)`;
    }),
    `(SELECT t.seq, ${envelope(entityOfTable, 'delete', "'null'")} AS change FROM ${TOMBSTONES} t WHERE t.seq > $1 AND t.org_id = ANY ($2::uuid[]) AND t.entity_table = ANY ($3::text[]) ORDER BY t.seq LIMIT $4)`,
  ].join('\n UNION ALL ');
  return `WITH page AS (SELECT seq, change FROM (${union}) keys ORDER BY seq LIMIT $4),
     client AS (SELECT user_id, last_mutation_id FROM sync_clients WHERE client_id = $5)
   SELECT
     -1 AS part,
     (SELECT count(*)::int FROM page) AS rows,
     (SELECT max(seq) FROM page) AS last_seq,
     NULL::text AS changes,
     (SELECT row_to_json(client) FROM client) AS client,
     ${actorKeyColumn(7)},
     ${
       count
         ? `CASE WHEN (SELECT count(*) FROM page) = $4 THEN (
              SELECT json_agg(json_build_array(c.b, c.n, c.m)) FROM (${fewCountSql(tables, { after: '$9', skipFrom: '$10', skipTo: '$11', width: '$12' })}) c
            ) END`
         : 'NULL::json'
     } AS counted,
     (SELECT json_agg(m ORDER BY m.mutation_id) FROM (
        SELECT mutation_id, payload_hash, status, code, message, current FROM sync_mutations
        WHERE client_id = $5 AND mutation_id > (SELECT last_mutation_id FROM client) - $6
      ) m) AS outcomes
   UNION ALL
   SELECT part, NULL, NULL, string_agg(change, ',' ORDER BY seq), NULL, NULL, NULL, NULL
   FROM (SELECT seq, change, (row_number() OVER (ORDER BY seq) - 1) / ${CHANGES_PER_PART} AS part FROM page) numbered
   GROUP BY part
   ORDER BY part`;
}

/**
 * The rows still to send after a cursor, per bucket of seqs (remaining.ts), in the two ranges a
 * count reads: above the cursor below the kept buckets, and above the kept ones.
 *
 * When they are few (the rest of the cursor's bucket and what was written since a count moments
 * ago), the ranges of every table are read first (OFFSET 0 keeps the planner from probing the
 * scope's organizations through the org_id indexes) and their rows joined once against the scope,
 * hashed; the page's statement does this (prepared once per connection). Testing each table's
 * rows against the scope array instead compares every row with the whole array (a parameter's
 * array is not hashed): 1.5 ms of PostgreSQL against 0.8 at 300 organizations.
 */
function fewCountSql(tables: readonly string[], p: { after: string; skipFrom: string; skipTo: string; width: string }): string {
  const rows = [`seq > ${p.after} AND seq < ${p.skipFrom}`, `seq >= ${p.skipTo} AND seq <= (SELECT last_value FROM change_seq)`].flatMap((range) => [
    ...tables.map((table) => `SELECT seq, org_id FROM ${table} WHERE ${range}`),
    `SELECT seq, org_id FROM ${TOMBSTONES} WHERE ${range} AND entity_table = ANY ($3::text[])`,
  ]);
  return `SELECT r.seq / ${p.width}::bigint AS b, count(*)::int AS n, max(r.seq) AS m
   FROM (${rows.join('\n UNION ALL ')} OFFSET 0) r JOIN unnest($2::uuid[]) scope(id) ON scope.id = r.org_id
   GROUP BY 1`;
}

/** What the count statement starts with (tests watch for it). */
export const COUNT_MARK = '/* remaining */';

/**
 * When the rows to count are many (no buckets kept yet), a statement of its own, after the page:
 * the scope is a set to join against, and the statement is planned for its parameters each time
 * (PostgreSQL's generic plan for it probed every organization of the scope in every table).
 * Parameters: $1 cursor, $2 scope, $3 entity tables, $4 and $5 the kept seqs [$4, $5) left out,
 * $6 the bucket width.
 */
function countStatement(tables: readonly string[]): string {
  const counts = ['seq > $1 AND seq < $4', 'seq > $1 AND seq >= $5']
    .flatMap((range) => branches(tables, range))
    .map((branch) => `SELECT seq / $6::bigint AS b, count(*) AS n, max(seq) AS m FROM (${branch}) c GROUP BY 1`);
  return `${COUNT_MARK} SELECT b, sum(n)::int AS n, max(m) AS m FROM (${counts.join('\n UNION ALL ')}) counts GROUP BY b`;
}

/** The statement texts for a list of entity tables (a handful: one per set of view permissions), built once. */
const statementTexts = new Map<string, { page: string; pageAndCount: string; count: string }>();

function statementsFor(tables: readonly string[]): { page: string; pageAndCount: string; count: string } {
  const key = tables.join(',');
  let texts = statementTexts.get(key);
  if (texts === undefined) {
    texts = { page: pageStatement(tables, false), pageAndCount: pageStatement(tables, true), count: countStatement(tables) };
    statementTexts.set(key, texts);
  }
  return texts;
}

/**
 * Changes per part of a page's answer (pageStatement): a change is at most a few KB, so a part's
 * string stays well below V8's 128 KB for an object of its own.
 */
const CHANGES_PER_PART = 16;

/** A count's rows: (bucket, rows, highest seq). */
type CountRow = [number, number, number];

function bucketCounts(rows: readonly CountRow[]): BucketCounts {
  return {
    buckets: new Map(rows.map(([bucket, n]) => [Number(bucket), Number(n)])),
    max: rows.length === 0 ? null : Math.max(...rows.map(([, , m]) => Number(m))),
  };
}

/** A scope as a statement's uuid[] parameter. */
type ScopeParam = readonly string[] | Buffer;

/** The element type of a uuid[] in PostgreSQL's binary array format. */
const UUID_OID = 2950;

/**
 * The scope as a uuid[] parameter, written once per scope set (the actor's scope cache hands out
 * the same set until the tree changes). On PostgreSQL it goes in the binary array format
 * (array_recv: a header, then each id's 16 bytes): parsing the text form of 300 ids cost the
 * server 0.19 ms on every pull, and writing it the driver 0.05 ms. PGlite takes the ids as they are.
 */
const binaryScopes = new WeakMap<ReadonlySet<string>, Buffer>();

export function scopeParam(store: Sql & { kind: 'pglite' | 'postgres' }, scope: ReadonlySet<string>): ScopeParam {
  if (store.kind !== 'postgres') return [...scope];
  let binary = binaryScopes.get(scope);
  if (binary === undefined) {
    binary = uuidArray([...scope]);
    binaryScopes.set(scope, binary);
  }
  return binary;
}

/** A non-empty uuid[] in PostgreSQL's binary array format (one dimension, no nulls). */
function uuidArray(ids: readonly string[]): Buffer {
  const buffer = Buffer.alloc(20 + ids.length * 20);
  buffer.writeInt32BE(1, 0); // dimensions
  buffer.writeInt32BE(0, 4); // no nulls
  buffer.writeInt32BE(UUID_OID, 8);
  buffer.writeInt32BE(ids.length, 12);
  buffer.writeInt32BE(1, 16); // lower bound
  ids.forEach((id, index) => {
    const offset = 20 + index * 20;
    buffer.writeInt32BE(16, offset);
    const bytes = Buffer.from(id.replaceAll('-', ''), 'hex');
    if (bytes.length !== 16) throw new Error(`Not a uuid: ${id}`);
    bytes.copy(buffer, offset + 4);
  });
  return buffer;
}

/** Kept bucket counts per database handle (per instance). */
const countsOf = perStore(() => new RemainingCounts());

/** Counts many rows in a statement of their own (countStatement). */
async function countMany(deps: ServiceDeps, count: CountBounds, ids: ScopeParam, tables: readonly string[], width: number): Promise<BucketCounts> {
  const rows = await deps.store.query<{ b: number; n: number; m: number }>(statementsFor(tables).count, [count.after, ids, tables, count.skipFrom, count.skipTo, width]);
  return bucketCounts(rows.map((row) => [row.b, row.n, row.m]));
}

interface PageRow {
  part: number;
  rows: number;
  last_seq: number | null;
  changes: string | null;
  client: { user_id: string; last_mutation_id: number } | null;
  outcomes: MutationRow[] | null;
  actor_key: string | null;
  counted: CountRow[] | null;
}

/** A pull's answer, its changes still the JSON text PostgreSQL wrote (see pullResponseJson). */
export interface PullAnswer extends Omit<PullResponse, 'changes'> {
  /** The changes in parts, each a JSON list's items (comma-separated), in seq order. */
  changesJson: readonly string[];
  changeCount: number;
}

/** The answer as the pull response's JSON (its changes spliced in, never parsed). */
export function pullResponseJson(answer: PullAnswer): JsonText {
  const { changesJson, changeCount: _count, ...rest } = answer;
  return new JsonText(['{"changes":[', ...changesJson.flatMap((part, index) => (index === 0 ? [part] : [',', part])), `],${JSON.stringify(rest).slice(1)}`]);
}

/**
 * GET /v1/sync/pull: from one snapshot, the upserts and tombstones after the cursor in the
 * actor's scope, of the entities the actor may view, in change order. `remaining` counts what
 * is still to send after this page, for bootstrap progress; `outcomes` are those of the
 * client's latest mutations (see OUTCOME_WINDOW).
 */
export async function pull(deps: ServiceDeps, actor: Actor, query: PullQuery, counts = countsOf(deps.store)): Promise<PullAnswer> {
  const entities = visibleEntities(actor);
  const tables = entities.map((entity) => ENTITY_TABLES[entity].table);
  const scope = scopeParam(deps.store, actor.scope);
  const count = counts.begin(countKey(actor.scope, tables), query.cursor, deps.now().getTime(), query.clientId);
  const pageParams = [query.cursor, scope, tables, query.limit, query.clientId, OUTCOME_WINDOW, ...actorKeyParams(actor)];
  const [row, ...parts] = count.few
    ? await deps.store.queryPrepared<PageRow>(statementsFor(tables).pageAndCount, [...pageParams, count.after, count.skipFrom, count.skipTo, counts.width])
    : await deps.store.queryPrepared<PageRow>(statementsFor(tables).page, pageParams);
  confirmActor(actor, row?.actor_key);
  const client = row?.client ?? null;
  if (client !== null && client.user_id !== actor.user.id) throw clientOfAnotherUser();
  const rows = row?.rows ?? 0;
  const cursor = rows === 0 ? query.cursor : Number(row!.last_seq);
  let remaining = 0;
  if (rows === query.limit) {
    const counted = count.few ? bucketCounts(row!.counted ?? []) : await countMany(deps, count, scope, tables, counts.width);
    remaining = count.finish(counted, { rows, end: cursor });
  }
  return {
    changesJson: parts.map((part) => part.changes!),
    changeCount: rows,
    cursor,
    hasMore: remaining > 0,
    remaining,
    schemaVersion: SCHEMA_VERSION,
    lastMutationId: Number(client?.last_mutation_id ?? 0),
    outcomes: client === null ? [] : (row?.outcomes ?? []).map((outcome) => toRecorded(outcome).outcome),
  };
}
