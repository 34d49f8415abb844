import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullResponseSchema, SCHEMA_VERSION, type SyncedEntityName } from '@shared/sync/protocol';
import { ENTITY_TABLES } from '../db/rows';
import { startInstance, type Instance } from '../testing/instances';
import { createFreshDatabase, type FreshDatabase } from '../testing/postgres';
import { addProvider } from '../testing/providers';
import { VIEW_PERMISSION } from './pull';
import { postgresForTests } from '../../test/support/postgres-available';

/** TREE_LOCK_CLASS of service/db/store.ts, as pg_locks shows a two-key advisory lock. */
const TREE_LOCK_CLASS = 7_300_003;
/** Tree locks in this test's database ($1 'advisory', $2 the class): the server is shared with other tests. */
const TREE_LOCKS = `SELECT 1 FROM pg_locks WHERE locktype = $1 AND classid = $2
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Writes serialised per provider tree on PostgreSQL (service/README.md, "Sequence order and the
 * pull cursor"): two trees write in parallel, one tree's writers take turns, and a pull that
 * follows its cursor through concurrent writers in both trees never skips a row of its scope.
 */
describe.skipIf(!postgresForTests('writes per provider tree on PostgreSQL'))('writes per provider tree on PostgreSQL', () => {
  let database: FreshDatabase;
  let a: Instance;
  let b: Instance;
  let northwind: { orgId: string; token: string; customers: string[] };
  let contoso: { orgId: string; token: string; customers: string[] };

  const orgsBelow = async (providerId: string, kind: string) =>
    (
      await database.query<{ id: string }>(
        `WITH RECURSIVE t AS (SELECT id, kind FROM orgs WHERE id = $1 UNION SELECT o.id, o.kind FROM orgs o JOIN t ON o.parent_id = t.id)
         SELECT id FROM t WHERE kind = $2 ORDER BY id`,
        [providerId, kind],
      )
    ).map((row) => row.id);

  beforeAll(async () => {
    database = await createFreshDatabase();
    a = await startInstance(database.url, { seed: true });
    b = await startInstance(database.url);
    const second = await addProvider(a.store, { name: 'Contoso Cloud', slug: 'contoso-cloud' });
    const [row] = await database.query<{ id: string }>("SELECT id FROM orgs WHERE kind = 'provider' AND name = 'Northwind MSP'");
    northwind = { orgId: row!.id, token: (await a.signIn('owner@northwind.example')).accessToken, customers: [] };
    northwind.customers = await orgsBelow(northwind.orgId, 'customer');
    contoso = { orgId: second.orgId, token: (await b.signIn(second.ownerEmail)).accessToken, customers: [] };
    for (const name of ['Adatum Dental', 'Lamna Legal']) {
      const created = await b.call('POST', '/v1/orgs', {
        token: contoso.token,
        body: { parentId: contoso.orgId, kind: 'customer', name, accountEmail: `accounts@${name.split(' ')[0]!.toLowerCase()}.example`, admin: { firstName: 'Ada', lastName: 'Admin', email: `admin@${name.split(' ')[0]!.toLowerCase()}.example` } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    contoso.customers = await orgsBelow(contoso.orgId, 'customer');
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  const createUser = (instance: Instance, token: string, orgId: string, email: string) =>
    instance.call('POST', `/v1/orgs/${orgId}/users`, { token, body: { firstName: 'Par', lastName: 'Allel', email } });

  it('lets a write in another tree commit while one tree’s lock is held, and makes the same tree wait', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding: Promise<void> | null = null;
    try {
      holding = a.store.write(() => held, [northwind.orgId]);
      await until(async () => (await database.query(TREE_LOCKS + ' AND granted', ['advisory', TREE_LOCK_CLASS])).length === 1, 'the tree lock held');

      // The other tree goes through, on either instance (it waited for the global lock before).
      expect((await createUser(b, contoso.token, contoso.customers[0]!, 'while-held@adatum.example')).status).toBe(201);
      expect((await createUser(a, contoso.token, contoso.orgId, 'while-held@contoso-cloud.example')).status).toBe(201);

      // The same tree waits for the lock (seen waiting in pg_locks) and commits once it is released.
      let sameTreeDone = false;
      const sameTree = createUser(b, northwind.token, northwind.customers[0]!, 'after-release@northwind-customer.example').then((answer) => {
        sameTreeDone = true;
        return answer;
      });
      await until(async () => (await database.query(TREE_LOCKS + ' AND NOT granted', ['advisory', TREE_LOCK_CLASS])).length === 1, 'a writer waiting for the tree');
      expect(sameTreeDone).toBe(false);
      release();
      await holding;
      expect((await sameTree).status).toBe(201);
    } finally {
      release();
      await holding;
    }
  }, 120_000);

  it('never skips a row: pulls following their cursors through concurrent writers in two trees see exactly their scope', async () => {
    /** One client's view: entity:id -> version, from upserts and tombstones in the order pulled. */
    const follow = (instance: Instance, token: string) => {
      const seen = new Map<string, number>();
      const clientId = randomUUID();
      let cursor = 0;
      let pages = 0;
      const page = async (): Promise<boolean> => {
        const answer = await instance.call('GET', `/v1/sync/pull?cursor=${cursor}&limit=40&clientId=${clientId}`, { token });
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        const pulled = pullResponseSchema.parse(answer.body);
        for (const change of pulled.changes) {
          expect(change.seq).toBeGreaterThan(cursor);
          const key = `${change.entity}:${change.id}`;
          if (change.op === 'delete') seen.delete(key);
          else seen.set(key, change.version);
        }
        cursor = pulled.cursor;
        pages += 1;
        return pulled.hasMore;
      };
      return { seen, page, pages: () => pages };
    };

    /** Pushes of 20 mutations into the tree's customers: creates, an update of each, and some removals. */
    const writer = async (instance: Instance, token: string, orgIds: readonly string[], label: string, pushes: number) => {
      const clientId = randomUUID();
      let id = 0;
      for (let round = 0; round < pushes; round += 1) {
        const mutations: { id: number; name: string; args: Record<string, unknown> }[] = [];
        for (let n = 0; n < 7; n += 1) {
          const orgId = orgIds[(round + n) % orgIds.length]!;
          const userId = randomUUID();
          mutations.push({ id: ++id, name: 'createUser', args: { id: userId, orgId, firstName: 'Load', lastName: `${label}${round}x${n}`, email: `${label}-${round}-${n}@load.example` } });
          mutations.push({ id: ++id, name: 'updateUser', args: { orgId, userId, version: 1, firstName: 'Loaded' } });
          if (n % 3 === 0) mutations.push({ id: ++id, name: 'removeUser', args: { orgId, userId } });
        }
        const answer = await instance.call('POST', '/v1/sync/push', { token, body: { clientId, schemaVersion: SCHEMA_VERSION, mutations } });
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        expect(answer.body.outcomes.filter((outcome: { status: string }) => outcome.status !== 'applied')).toEqual([]);
      }
    };

    const northwindClient = follow(b, northwind.token);
    const contosoClient = follow(a, contoso.token);
    let writing = true;
    const pullWhileWriting = async (client: ReturnType<typeof follow>) => {
      while (writing) await client.page();
    };
    const pulling = [pullWhileWriting(northwindClient), pullWhileWriting(contosoClient)];
    await Promise.all([
      writer(a, northwind.token, northwind.customers, 'nwa', 8),
      writer(b, northwind.token, northwind.customers.slice(2), 'nwb', 8),
      writer(a, northwind.token, northwind.customers.slice(4), 'nwc', 8),
      writer(b, contoso.token, contoso.customers, 'cca', 8),
      writer(a, contoso.token, [contoso.orgId, ...contoso.customers], 'ccb', 8),
    ]).finally(() => (writing = false));
    await Promise.all(pulling);
    for (const client of [northwindClient, contosoClient]) while (await client.page());

    // What the service holds in each scope, of every entity the owner may view.
    const rowsInScope = async (providerId: string, token: string) => {
      const me = await a.call('GET', '/v1/me', { token });
      const permissions = new Set<string>(me.body.orgs[0].permissions);
      const scope = me.body.orgs.map((org: { id: string }) => org.id);
      const rows = new Map<string, number>();
      for (const entity of Object.keys(ENTITY_TABLES) as SyncedEntityName[]) {
        const permission = VIEW_PERMISSION[entity];
        if (permission !== null && !permissions.has(permission)) continue;
        const table = ENTITY_TABLES[entity].table;
        for (const row of await database.query<{ id: string; version: number }>(`SELECT id, version FROM ${table} WHERE org_id = ANY ($1::uuid[])`, [scope])) {
          rows.set(`${entity}:${row.id}`, Number(row.version));
        }
      }
      expect(scope).toContain(providerId);
      return rows;
    };
    const northwindRows = await rowsInScope(northwind.orgId, northwind.token);
    const contosoRows = await rowsInScope(contoso.orgId, contoso.token);
    expect(northwindRows.size).toBeGreaterThan(500);
    expect([...northwindClient.seen].sort()).toEqual([...northwindRows].sort());
    expect([...contosoClient.seen].sort()).toEqual([...contosoRows].sort());
    console.info(`tree order: ${northwindClient.pages()} + ${contosoClient.pages()} pages pulled during the writes; ${northwindRows.size} + ${contosoRows.size} rows in scope matched`);

    // The two trees' transactions did interleave in the sequence: each tree's new rows span the other's.
    const [span] = await database.query<{ interleaved: boolean }>(
      `SELECT (SELECT min(seq) FROM users WHERE email LIKE 'cca-%') < (SELECT max(seq) FROM users WHERE email LIKE 'nwa-%')
          AND (SELECT min(seq) FROM users WHERE email LIKE 'nwa-%') < (SELECT max(seq) FROM users WHERE email LIKE 'cca-%') AS interleaved`,
    );
    expect(span?.interleaved).toBe(true);
  }, 300_000);
});
