import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { auditEventSchema } from '@shared/domain/audit';
import { ENTITY_SCHEMAS } from '@shared/domain/entities';
import { SCHEMA_VERSION, pullResponseSchema, type Change, type PullResponse, type SyncedEntityName } from '@shared/sync/protocol';
import { testDatabases } from '../../test/support/service';
import { startCommandKit, type CommandKit } from '../../test/support/commands';
import { ENTITY_TABLES } from '../db/rows';
import { loadActor } from '../auth/actor';
import { COUNT_MARK, pull as pullDirect, scopeParam } from './pull';
import { RemainingCounts } from './remaining';

const WIRE_SCHEMAS: Record<SyncedEntityName, z.ZodType> = { ...ENTITY_SCHEMAS, audit_event: auditEventSchema };
const ALL_ENTITIES = Object.keys(ENTITY_TABLES) as SyncedEntityName[];

describe.each(testDatabases())('GET /v1/sync/pull (%s)', (database) => {
  let kit: CommandKit;
  let owner: string;
  let billing: string;
  let admin: string;
  beforeAll(async () => {
    kit = await startCommandKit(database);
    owner = kit.owner.accessToken;
    billing = (await kit.test.signIn('billing@northwind.example')).accessToken;
    admin = (await kit.test.signIn('admin@wingtip-toys.example')).accessToken;
    // Some history before the first pull: audit events, and a deletion (a tombstone) in two organizations.
    for (const name of ['Wingtip Toys', 'Alpine Ski House']) {
      const orgId = await kit.orgId(name);
      const created = await kit.call('POST', `/v1/orgs/${orgId}/users`, { firstName: 'Short', lastName: 'Lived', email: `short-lived@${orgId}.example` });
      expect((await kit.call('DELETE', `/v1/orgs/${orgId}/users/${created.body.id}`)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await kit?.close();
  });

  const pull = async (token: string, cursor: number, limit: number, clientId = randomUUID()): Promise<PullResponse> => {
    const response = await kit.call('GET', `/v1/sync/pull?cursor=${cursor}&limit=${limit}&clientId=${clientId}`, undefined, token);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return pullResponseSchema.parse(response.body);
  };

  /** Pages from cursor 0 to the end, checking each page's order, cursor and progress. */
  async function bootstrap(token: string, limit: number): Promise<{ changes: Change[]; cursor: number; pages: number }> {
    const clientId = randomUUID();
    const changes: Change[] = [];
    let cursor = 0;
    let pages = 0;
    let total: number | null = null;
    for (;;) {
      const page = await pull(token, cursor, limit, clientId);
      pages += 1;
      expect(page.changes.length).toBeLessThanOrEqual(limit);
      const seqs = page.changes.map((change) => change.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      if (seqs.length > 0) expect(seqs[0]).toBeGreaterThan(cursor);
      expect(page.cursor).toBe(seqs.at(-1) ?? cursor);
      changes.push(...page.changes);
      total ??= page.changes.length + (page.remaining ?? 0);
      expect(page.remaining).toBe(total - changes.length);
      expect(page.hasMore).toBe(page.remaining! > 0);
      expect(page).toMatchObject({ schemaVersion: SCHEMA_VERSION, lastMutationId: 0, outcomes: [] });
      cursor = page.cursor;
      if (!page.hasMore) break;
      expect(pages).toBeLessThan(1000);
    }
    const after = await pull(token, cursor, limit, clientId);
    expect(after).toMatchObject({ changes: [], cursor, hasMore: false, remaining: 0 });
    return { changes, cursor, pages };
  }

  /** What a direct query says the actor should get: every row and tombstone of these organizations and entities. */
  async function expectedKeys(orgIds: readonly string[], entities: readonly SyncedEntityName[]): Promise<string[]> {
    const keys: string[] = [];
    for (const entity of entities) {
      const { table } = ENTITY_TABLES[entity];
      for (const row of await kit.rows(`SELECT id, version FROM ${table} WHERE org_id = ANY ($1::uuid[])`, [orgIds])) {
        keys.push(`${entity} upsert ${String(row['id'])} v${Number(row['version'])}`);
      }
      for (const row of await kit.rows('SELECT id, version FROM tombstones WHERE entity_table = $1 AND org_id = ANY ($2::uuid[])', [table, orgIds])) {
        keys.push(`${entity} delete ${String(row['id'])} v${Number(row['version'])}`);
      }
    }
    return keys.sort();
  }

  const keysOf = (changes: readonly Change[]) => changes.map((change) => `${change.entity} ${change.op} ${change.id} v${change.version}`).sort();

  function expectWireRows(changes: readonly Change[]): void {
    for (const change of changes) {
      if (change.op === 'delete') {
        expect(change.data).toBeNull();
        continue;
      }
      // The wire schemas strip unknown keys, so equality also says nothing else (a password hash) was sent.
      expect(WIRE_SCHEMAS[change.entity].parse(change.data)).toEqual(change.data);
      expect(change.data).toMatchObject({ id: change.id, orgId: change.orgId });
    }
  }

  it('bootstraps the provider owner with every row in scope exactly once, in pages', async () => {
    const { changes, pages } = await bootstrap(owner, 100);
    expect(pages).toBeGreaterThan(3);
    const allOrgs = (await kit.rows('SELECT id FROM orgs')).map((row) => String(row['id']));
    expect(keysOf(changes)).toEqual(await expectedKeys(allOrgs, ALL_ENTITIES));
    expect(new Set(changes.map((change) => change.entity))).toEqual(new Set(ALL_ENTITIES));
    expect(changes.filter((change) => change.op === 'delete').map((change) => change.entity)).toEqual(['user', 'user']);
    expectWireRows(changes);
  });

  it('sends each row exactly as the API answers it (timestamps, dates, money, arrays, nested JSON)', async () => {
    const { changes } = await bootstrap(owner, 500);
    const pulled = new Map(changes.filter((change) => change.op === 'upsert').map((change) => [`${change.entity} ${change.id}`, change.data]));
    const compared = new Map<SyncedEntityName, number>();
    const count = (entity: SyncedEntityName) => compared.set(entity, (compared.get(entity) ?? 0) + 1);
    for (const name of ['Wingtip Toys', 'Alpine Ski House', 'Contoso Dental']) {
      const orgId = await kit.orgId(name);
      const listed: [SyncedEntityName, string][] = [
        ['user', 'users'],
        ['role', 'roles'],
        ['billing_contact', 'billing-contacts'],
        ['subscription', 'subscriptions'],
        ['invoice', 'invoices'],
        ['payment_method', 'payment-methods'],
      ];
      const org = await kit.call('GET', `/v1/orgs/${orgId}`, undefined, owner);
      expect(pulled.get(`organization ${orgId}`)).toEqual(org.body);
      count('organization');
      for (const [entity, path] of listed) {
        const answer = await kit.call('GET', `/v1/orgs/${orgId}/${path}`, undefined, owner);
        expect(answer.status).toBe(200);
        for (const item of (answer.body as { items: { id: string }[] }).items) {
          expect(pulled.get(`${entity} ${item.id}`), `${entity} ${item.id}`).toEqual(item);
          count(entity);
        }
      }
    }
    // Every kind was compared at least once.
    expect([...compared.keys()].sort()).toEqual(['billing_contact', 'invoice', 'organization', 'payment_method', 'role', 'subscription', 'user']);
  });

  it('gives a customer administrator nothing from a sibling or the parent', async () => {
    const orgId = await kit.orgId('Wingtip Toys');
    const { changes } = await bootstrap(admin, 150);
    expect(new Set(changes.map((change) => change.orgId))).toEqual(new Set([orgId]));
    expect(changes.filter((change) => change.entity === 'organization').map((change) => change.id)).toEqual([orgId]);
    expect(keysOf(changes)).toEqual(await expectedKeys([orgId], ALL_ENTITIES));
    const [org] = await kit.rows('SELECT parent_id FROM orgs WHERE id = $1', [orgId]);
    const siblings = await kit.rows('SELECT id FROM orgs WHERE parent_id = $1 AND id <> $2', [org?.['parent_id'], orgId]);
    expect(siblings.length).toBeGreaterThan(0);
    const foreign = new Set([String(org?.['parent_id']), ...siblings.map((row) => String(row['id']))]);
    expect(changes.filter((change) => foreign.has(change.orgId) || foreign.has(change.id))).toEqual([]);
    expectWireRows(changes);
  });

  it('sends only the entities the caller may view', async () => {
    const { changes } = await bootstrap(billing, 1000);
    const visible: SyncedEntityName[] = ['organization', 'billing_contact', 'invoice', 'payment_method'];
    expect(new Set(changes.map((change) => change.entity))).toEqual(new Set(visible));
    const allOrgs = (await kit.rows('SELECT id FROM orgs')).map((row) => String(row['id']));
    expect(keysOf(changes)).toEqual(await expectedKeys(allOrgs, visible));
  });

  it('counts what remains from its last answer while a bootstrap goes on, never short, even as rows are added, changed and removed', async () => {
    const orgId = await kit.orgId('Alpine Ski House');
    const clientId = randomUUID();
    /** What a client at `cursor` still has to pull, asked of a fresh client (counted whole). */
    const actual = async (cursor: number) => (await pull(owner, cursor, 1000, randomUUID())).changes.length;
    let cursor = 0;
    const seen = new Set<string>();
    for (let page = 0; ; page += 1) {
      const answer = await pull(owner, cursor, 40, clientId);
      for (const change of answer.changes) seen.add(`${change.entity} ${change.id} ${change.seq}`);
      cursor = answer.cursor;
      const truth = await actual(cursor);
      // Never short; long only by the rows changed or removed after they were counted.
      expect(answer.remaining!, `page ${page}`).toBeGreaterThanOrEqual(truth);
      expect(answer.hasMore).toBe(answer.remaining! > 0);
      if (page === 1) {
        // Between pages: a row added, one changed and one removed, all in scope.
        const created = await kit.call('POST', `/v1/orgs/${orgId}/users`, { firstName: 'Mid', lastName: 'Bootstrap', email: `mid-bootstrap-${clientId}@alpine.example` });
        expect(created.status).toBe(201);
        expect((await kit.call('PATCH', `/v1/orgs/${orgId}/users/${created.body.id}`, { version: 1, lastName: 'Changed' })).status).toBe(200);
        const other = await kit.call('POST', `/v1/orgs/${orgId}/users`, { firstName: 'Gone', lastName: 'Soon', email: `gone-${clientId}@alpine.example` });
        expect((await kit.call('DELETE', `/v1/orgs/${orgId}/users/${other.body.id}`)).status).toBe(200);
      }
      if (!answer.hasMore) break;
      expect(page).toBeLessThan(500);
    }
    expect(await actual(cursor)).toBe(0);
    // Everything in scope arrived, the mid-bootstrap rows as they are now.
    const [changed] = await kit.rows('SELECT id, seq FROM users WHERE email = $1', [`mid-bootstrap-${clientId}@alpine.example`]);
    expect(seen.has(`user ${String(changed!['id'])} ${Number(changed!['seq'])}`)).toBe(true);
  });

  it('sends the scope as a uuid[] the database reads back unchanged (binary on PostgreSQL)', async () => {
    const store = kit.test.store;
    const ids = (await store.query<{ id: string }>('SELECT id FROM orgs ORDER BY name')).map((row) => row.id);
    const scope = new Set(ids);
    const param = scopeParam(store, scope);
    expect(Buffer.isBuffer(param)).toBe(database === 'postgres');
    if (Buffer.isBuffer(param)) expect(scopeParam(store, scope)).toBe(param); // written once per scope set
    const [row] = await store.queryPrepared<{ ids: string[]; n: number }>('SELECT $1::uuid[] AS ids, cardinality($1::uuid[]) AS n', [param]);
    expect(row).toEqual({ ids, n: ids.length });
  });

  it('counts a bootstrap’s later pages from its last answer, and anyone else’s from kept bucket counts, reading only a few rows and staying exact', async () => {
    // The counts: their cursor, the kept seqs they leave out, and how they were sent (a count of
    // few rows rides in the page's prepared statement, $9 to $12; one of many is a statement of its own).
    const counted: { after: number; skipFrom: number; skipTo: number; prepared: boolean }[] = [];
    const store = kit.test.store;
    const note = (text: string, params: readonly unknown[] | undefined, prepared: boolean) => {
      if (text.startsWith(COUNT_MARK)) counted.push({ after: Number(params?.[0]), skipFrom: Number(params?.[3]), skipTo: Number(params?.[4]), prepared });
      else if (text.startsWith('WITH page') && params?.length === 12) counted.push({ after: Number(params[8]), skipFrom: Number(params[9]), skipTo: Number(params[10]), prepared });
    };
    const watched = {
      ...store,
      query: ((text: string, params?: readonly unknown[]) => (note(text, params, false), store.query(text, params))) as typeof store.query,
      queryPrepared: ((text: string, params: readonly unknown[]) => (note(text, params, true), store.queryPrepared(text, params))) as typeof store.queryPrepared,
    };
    const claims = kit.test.service.deps.tokens.verifyAccess(owner, kit.test.service.deps.now());
    const ownerActor = (await loadActor(store, claims!))!;
    const deps = { ...kit.test.service.deps, store: watched };
    const width = 16;
    const counts = new RemainingCounts(width);

    // A bootstrap: one client paging on from each answer.
    const clientId = randomUUID();
    let cursor = 0;
    let pulled = 0;
    let total: number | null = null;
    const cursors: number[] = [];
    for (;;) {
      const page = await pullDirect(deps, ownerActor, { cursor, limit: 60, clientId }, counts);
      pulled += page.changeCount;
      total ??= page.changeCount + page.remaining!;
      // Nothing changes meanwhile, so every count is exact.
      expect(page.remaining, `page ${cursors.length}`).toBe(total - pulled);
      cursors.push(cursor);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const end = cursor;
    const bootstrap = counted.splice(0);
    expect(bootstrap.length).toBeGreaterThan(3);
    // The first count reads everything after its cursor (a statement of its own); the later ones
    // only what lies past the highest seq the first one saw, which is the end of the scope's history.
    expect(bootstrap[0]).toMatchObject({ after: cursors[0], skipFrom: cursors[0]! + 1, skipTo: cursors[0]! + 1, prepared: false });
    for (const [index, count] of bootstrap.slice(1).entries()) expect(count, `count ${index + 1}`).toMatchObject({ after: end, prepared: true });

    // Other clients at the same cursors: counted from the kept buckets (all whole ones up to the
    // end), reading at most the rest of their cursor's bucket.
    const keptTo = Math.floor((end + 1) / width) * width;
    for (const from of cursors.slice(1, -1)) {
      const page = await pullDirect(deps, ownerActor, { cursor: from, limit: 60, clientId: randomUUID() }, counts);
      const truth = (await pullDirect(kit.test.service.deps, ownerActor, { cursor: page.cursor, limit: 1000, clientId: randomUUID() })).changeCount;
      expect(page.remaining, `from ${from}`).toBe(truth);
    }
    expect(counted.length).toBe(cursors.length - 2);
    for (const count of counted) {
      expect(count.skipFrom - count.after, `count after ${count.after} reads at most the rest of its bucket`).toBeLessThanOrEqual(width);
      expect(count, `count after ${count.after}`).toMatchObject({ skipTo: keptTo, prepared: true });
    }
  });

  it('carries deletions as tombstones, and after the cursor only what changed', async () => {
    const orgId = await kit.orgId('Coho Winery');
    const created = await kit.call('POST', `/v1/orgs/${orgId}/users`, { firstName: 'To', lastName: 'Remove', email: 'to-remove@coho-winery.example' });
    const { cursor: ownerCursor, changes } = await bootstrap(owner, 1000);
    expect(changes).toContainEqual(expect.objectContaining({ entity: 'user', op: 'upsert', id: created.body.id }));
    const { cursor: billingCursor } = await bootstrap(billing, 1000);

    expect((await kit.call('DELETE', `/v1/orgs/${orgId}/users/${created.body.id}`)).status).toBe(200);
    const page = await pull(owner, ownerCursor, 100);
    expect(page.hasMore).toBe(false);
    expect(page.changes).toMatchObject([
      { entity: 'user', op: 'delete', id: created.body.id, orgId, version: created.body.version + 1, data: null },
      { entity: 'audit_event', op: 'upsert', orgId, data: { action: 'removeUser', entityId: created.body.id } },
    ]);
    expect(page.cursor).toBe(page.changes.at(-1)?.seq);
    // Without users.view and audit.view, neither the tombstone nor the audit event is for them.
    expect(await pull(billing, billingCursor, 100)).toMatchObject({ changes: [], cursor: billingCursor, hasMore: false, remaining: 0 });
    // The customer administrator of another organization hears nothing of it either.
    const adminCursor = (await bootstrap(admin, 1000)).cursor;
    expect((await pull(admin, adminCursor, 100)).changes).toEqual([]);
  });

  it('answers the client’s lastMutationId and the outcomes of its mutations', async () => {
    const orgId = await kit.orgId('Lucerne Publishing');
    const clientId = randomUUID();
    const user = await kit.call('POST', `/v1/orgs/${orgId}/users`, { firstName: 'Out', lastName: 'Come', email: 'outcome@lucerne-publishing.example' });
    await kit.call('PATCH', `/v1/orgs/${orgId}/users/${user.body.id}`, { version: 1, firstName: 'Changed' });
    const pushed = await kit.call('POST', '/v1/sync/push', {
      clientId,
      schemaVersion: SCHEMA_VERSION,
      mutations: [
        { id: 1, name: 'updateUser', args: { orgId, userId: user.body.id, version: 1, lastName: 'Mine' } },
        { id: 2, name: 'activateUser', args: { orgId, userId: user.body.id } },
        { id: 3, name: 'updateUser', args: { orgId, userId: user.body.id, version: 2, lastName: 'Mine' } },
      ],
    });
    expect(pushed.status).toBe(200);
    expect(pushed.body.outcomes.map((outcome: { status: string }) => outcome.status)).toEqual(['conflict', 'rejected', 'applied']);
    const page = await pull(owner, 0, 1, clientId);
    expect(page.lastMutationId).toBe(3);
    expect(page.outcomes).toEqual(pushed.body.outcomes);
    expect(page.outcomes[0]?.current).toMatchObject({ id: user.body.id, firstName: 'Changed', version: 2 });
    expect(await pull(owner, 0, 1)).toMatchObject({ lastMutationId: 0, outcomes: [] });
  });

  it('refuses a malformed query', async () => {
    const clientId = randomUUID();
    for (const query of [`limit=0&clientId=${clientId}`, `limit=1001&clientId=${clientId}`, `cursor=-1&clientId=${clientId}`, 'cursor=0', `cursor=abc&clientId=${clientId}`, `clientId=${clientId}&extra=1`]) {
      const response = await kit.call('GET', `/v1/sync/pull?${query}`, undefined, owner);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION');
    }
    expect((await kit.test.call('GET', `/v1/sync/pull?clientId=${clientId}`)).status).toBe(401);
  });
});
