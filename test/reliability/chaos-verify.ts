import { isDeepStrictEqual } from 'node:util';
import { invoiceSchema } from '@shared/domain/invoice';
import { SYNCED_ENTITY_NAMES } from '@shared/sync/protocol';
import { ENTITY_TABLES as CACHE_TABLES } from '../../electron/core/db/entity-tables';
import { openCacheDatabase } from '../../electron/core/db/open';
import { permissionsAndScope } from '../../service/auth/actor';
import { ENTITY_TABLES as SERVICE_TABLES, toUser, type Row } from '../../service/db/rows';
import type { Store } from '../../service/db/store';
import { VIEW_PERMISSION } from '../../service/sync/pull';

/** What one client's history looks like on the service once everything is synced. */
export interface ClientLedger {
  clientId: string;
  /** Mutation ids the client queued (next_mutation_id - 1 in its cache). */
  queued: number;
  recorded: { applied: number; conflict: number; rejected: number; rejectedInternal: number };
  /** Acknowledged (the dispatcher answered the ids) or queued, and not recorded by the service. */
  lost: number[];
  /** Applied more than once: a (mutation, entity) with more than one audit event, or a mutation id acknowledged twice. */
  duplicated: string[];
  /** Applied by the service and never audited. */
  unaudited: number[];
  /** Changes recorded as made offline (audit origin). */
  offlineChanges: number;
  problems: string[];
}

/**
 * Exactly once, for one client: the service recorded every mutation id from 1 to the last one the
 * cache handed out (sync_mutations, primary key client + id), each acknowledged id among them,
 * nothing pending in the cache, every applied mutation audited once per row it changed, and every
 * conflict or rejection kept as a sync issue.
 */
export async function checkLedger(store: Store, cacheFile: string, acknowledged: readonly number[]): Promise<ClientLedger> {
  const problems: string[] = [];
  const db = openCacheDatabase(cacheFile);
  let clientId: string;
  let queued: number;
  let issues: { mutation_id: number; kind: string }[];
  try {
    const state = db.prepare('SELECT client_id, next_mutation_id FROM sync_state WHERE id = 1').get() as { client_id: string; next_mutation_id: number };
    clientId = state.client_id;
    queued = state.next_mutation_id - 1;
    const { n: pending } = db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number };
    if (pending !== 0) problems.push(`${pending} commands are still in the outbox after healing`);
    const { n: confirmed } = db.prepare('SELECT count(*) AS n FROM confirmed_rows').get() as { n: number };
    if (confirmed !== 0) problems.push(`${confirmed} confirmed rows are left over after healing`);
    issues = db.prepare('SELECT mutation_id, kind FROM sync_issues').all() as { mutation_id: number; kind: string }[];
  } finally {
    db.close();
  }

  const rows = await store.query<{ mutation_id: number; status: string; code: string | null }>(
    'SELECT mutation_id, status, code FROM sync_mutations WHERE client_id = $1 ORDER BY mutation_id',
    [clientId],
  );
  const recordedIds = new Set(rows.map((row) => Number(row.mutation_id)));
  const expected = Array.from({ length: queued }, (_, index) => index + 1);
  const lost = [...new Set([...expected, ...acknowledged])].filter((id) => !recordedIds.has(id)).sort((a, b) => a - b);
  const beyond = [...recordedIds].filter((id) => id > queued);
  if (beyond.length > 0) problems.push(`the service recorded mutation ids the cache never handed out: ${beyond.join(', ')}`);
  const [client] = await store.query<{ last_mutation_id: number }>('SELECT last_mutation_id FROM sync_clients WHERE client_id = $1', [clientId]);
  if (queued > 0 && Number(client?.last_mutation_id ?? 0) !== queued) {
    problems.push(`the service's lastMutationId is ${client?.last_mutation_id ?? 'missing'}, the cache handed out ${queued}`);
  }

  const duplicated: string[] = [];
  const seenAck = new Set<number>();
  for (const id of acknowledged) {
    if (seenAck.has(id)) duplicated.push(`mutation ${id} was acknowledged for two edits`);
    seenAck.add(id);
  }
  const audited = await store.query<{ mutation_id: string; entity_id: string; n: number; offline: number }>(
    `SELECT origin->>'mutationId' AS mutation_id, entity_id, count(*)::int AS n, count(*) FILTER (WHERE origin->>'kind' = 'offline')::int AS offline
       FROM audit_events WHERE origin->>'clientId' = $1 GROUP BY 1, 2`,
    [clientId],
  );
  for (const row of audited) {
    if (row.n !== 1) duplicated.push(`mutation ${row.mutation_id} changed ${row.entity_id} ${row.n} times (audit)`);
  }
  // Nothing dropped silently: each conflict or rejection is a sync issue in the cache, and each issue is one of those.
  const issueKinds = new Map(issues.map((issue) => [issue.mutation_id, issue.kind]));
  for (const row of rows) {
    const id = Number(row.mutation_id);
    if (row.status !== 'applied' && issueKinds.get(id) !== row.status) problems.push(`mutation ${id} was answered ${row.status} and is not a sync issue of that kind`);
    if (row.status === 'applied' && issueKinds.has(id)) problems.push(`mutation ${id} was applied and is still a sync issue`);
  }
  for (const id of issueKinds.keys()) if (!recordedIds.has(id)) problems.push(`sync issue for mutation ${id}, which the service never recorded`);
  const auditedIds = new Set(audited.map((row) => Number(row.mutation_id)));
  const applied = rows.filter((row) => row.status === 'applied').map((row) => Number(row.mutation_id));
  for (const id of auditedIds) {
    if (!applied.includes(id)) problems.push(`mutation ${id} has audit events but is recorded as not applied`);
  }
  return {
    clientId,
    queued,
    recorded: {
      applied: applied.length,
      conflict: rows.filter((row) => row.status === 'conflict').length,
      rejected: rows.filter((row) => row.status === 'rejected').length,
      rejectedInternal: rows.filter((row) => row.status === 'rejected' && row.code === 'INTERNAL').length,
    },
    lost,
    duplicated,
    unaudited: applied.filter((id) => !auditedIds.has(id)),
    offlineChanges: audited.reduce((sum, row) => sum + row.offline, 0),
    problems,
  };
}

/**
 * The cache equals the service, row by row: for every synced entity the user may view, the rows
 * of the organizations in the user's scope, as the service would send them.
 */
export async function compareCache(store: Store, cacheFile: string, email: string): Promise<string[]> {
  const [userRow] = await store.query<Row>("SELECT * FROM users WHERE lower(email) = lower($1) AND status = 'active'", [email]);
  if (userRow === undefined) return [`${email} is no longer an active user`];
  const { permissions, scope } = await permissionsAndScope(store, toUser(userRow));
  const differences: string[] = [];
  const db = openCacheDatabase(cacheFile);
  try {
    for (const entity of SYNCED_ENTITY_NAMES) {
      const permission = VIEW_PERMISSION[entity];
      const visible = permission === null || permissions.includes(permission);
      const { table, toWire } = SERVICE_TABLES[entity];
      const theirs = new Map<string, unknown>();
      if (visible) {
        for (const row of await store.query<Row>(`SELECT * FROM ${table} WHERE org_id = ANY ($1::uuid[])`, [[...scope]])) {
          theirs.set(String(row['id']), toWire(row));
        }
      }
      const mine = new Map((db.prepare(`SELECT id, data FROM ${CACHE_TABLES[entity]}`).all() as { id: string; data: string }[]).map((row) => [row.id, JSON.parse(row.data) as unknown]));
      const missing = [...theirs.keys()].filter((id) => !mine.has(id));
      const extra = [...mine.keys()].filter((id) => !theirs.has(id));
      const changed = [...theirs.keys()].filter((id) => mine.has(id) && !isDeepStrictEqual(mine.get(id), theirs.get(id)));
      if (missing.length + extra.length + changed.length > 0) {
        const sample = changed[0] === undefined ? '' : `; e.g. ${changed[0]}: cache ${JSON.stringify(mine.get(changed[0]))} service ${JSON.stringify(theirs.get(changed[0]))}`;
        differences.push(`${entity}: ${missing.length} missing, ${extra.length} extra, ${changed.length} different${sample}`);
      }
    }
  } finally {
    db.close();
  }
  return differences;
}

/**
 * The domain invariants, read straight from the service's tables: every organization that has
 * the Owner/Administrator roles keeps an active user holding one of them (and the role still
 * grants users.manage and roles.manage); every invoice's subtotal is its lines' sum and its total
 * the subtotal plus tax (the shared invoice schema's rule).
 */
export async function checkInvariants(store: Store): Promise<string[]> {
  const problems: string[] = [];
  const orgs = await store.query<{ id: string; name: string; admins: number }>(
    `SELECT o.id, o.name,
            (SELECT count(DISTINCT u.id)::int FROM users u JOIN roles r ON r.id = ANY (u.role_ids) AND r.org_id = u.org_id
              WHERE u.org_id = o.id AND u.status = 'active' AND r.built_in_key IN ('owner', 'administrator')
                AND 'users.manage' = ANY (r.permissions) AND 'roles.manage' = ANY (r.permissions)) AS admins
       FROM orgs o
      WHERE EXISTS (SELECT 1 FROM roles r WHERE r.org_id = o.id AND r.built_in_key IN ('owner', 'administrator'))`,
  );
  for (const org of orgs) if (org.admins === 0) problems.push(`${org.name} has no active Administrator or Owner`);
  for (const row of await store.query<Row>('SELECT * FROM invoices')) {
    const parsed = invoiceSchema.safeParse(SERVICE_TABLES.invoice.toWire(row));
    if (!parsed.success) problems.push(`invoice ${String(row['number'])}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  return problems;
}
