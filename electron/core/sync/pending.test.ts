import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SeatdeskError } from '@shared/errors';
import { DEMO_NOW } from '../../../test/support/commands';
import { startRestartableService, type RestartableService } from '../../../test/support/restartable-service';
import { signedInTransport } from '../../../test/support/sync-transport';
import { openCacheDatabase, type CacheDatabase } from '../db/open';
import { createEventBus } from '../events/event-bus';
import { createSyncEngine, type SyncEngine } from './engine';
import type { SyncTransport } from './transport';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the pending-changes panel: the queue in words, and discarding what was never sent', () => {
  let service: RestartableService;
  beforeAll(async () => {
    service = await startRestartableService({ now: DEMO_NOW });
  });
  afterAll(async () => {
    await service?.close();
  });
  afterEach(async () => {
    await service.start();
  });

  async function engineOf(wrap?: (inner: SyncTransport) => SyncTransport): Promise<{ engine: SyncEngine; db: CacheDatabase }> {
    const dir = mkdtempSync(join(tmpdir(), 'seatdesk-pending-'));
    const db = openCacheDatabase(join(dir, 'cache.db'));
    const { transport } = await signedInTransport(service, 'owner@northwind.example');
    const engine = createSyncEngine({
      db,
      transport: wrap?.(transport) ?? transport,
      events: createEventBus(),
      now: () => DEMO_NOW,
      backoff: { baseMs: 20, maxMs: 200 },
      applyThreadMinRows: Number.POSITIVE_INFINITY,
    });
    cleanups.push(async () => {
      await engine.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await engine.syncNow();
    return { engine, db };
  }

  const usersOf = (orgName: string) =>
    service.store.query<{ id: string; org_id: string; version: number; first_name: string; last_name: string }>(
      "SELECT u.id, u.org_id, u.version, u.first_name, u.last_name FROM users u JOIN orgs o ON o.id = u.org_id WHERE o.name = $1 AND u.status = 'active' AND u.email NOT LIKE 'admin@%' ORDER BY u.email",
      [orgName],
    );
  const viewUser = (db: CacheDatabase, id: string) => {
    const row = db.prepare('SELECT version, data FROM users WHERE id = ?').get(id) as { version: number; data: string } | undefined;
    return row === undefined ? null : { ...(JSON.parse(row.data) as Record<string, unknown>), version: row.version };
  };
  const outboxIds = (db: CacheDatabase) => (db.prepare('SELECT mutation_id FROM outbox ORDER BY mutation_id').all() as { mutation_id: number }[]).map((r) => r.mutation_id);

  it('lists what, where, when and batch; a discard replays the rest, renumbers without a gap, and the service takes the rest', async () => {
    const { engine, db } = await engineOf();
    const [u1, u2, u3, u4] = await usersOf('Lucerne Publishing');
    const org = u1!.org_id;
    await service.stop();
    expect((await engine.syncNow()).state).toBe('offline');

    engine.queue([{ name: 'updateUser', args: { orgId: org, userId: u1!.id, version: u1!.version, lastName: 'Discarded' } }]);
    // Made on top of the one before it: names the version that one leads to.
    engine.queue([{ name: 'updateUser', args: { orgId: org, userId: u1!.id, version: u1!.version + 1, firstName: 'Kept' } }]);
    const created = engine.queue([{ name: 'createUser', args: { orgId: org, firstName: 'New', lastName: 'Hire', email: 'new.hire@lucerne.example' } }]);
    const batch = engine.queue(
      [u2, u3, u4].map((u) => ({ name: 'updateUser', args: { orgId: org, userId: u!.id, version: u!.version, lastName: 'Bulk' } })),
      crypto.randomUUID(),
    );

    const listed = engine.queued();
    expect(listed.total).toBe(6);
    expect(listed.batches).toEqual([{ batchId: batch.batchId, count: 3 }]);
    expect(listed.items[0]).toMatchObject({
      mutationId: 1,
      commandName: 'updateUser',
      orgId: org,
      orgName: 'Lucerne Publishing',
      queuedAt: DEMO_NOW.toISOString(),
      batchId: null,
      queuedOffline: true,
      sending: false,
    });
    expect(listed.items[0]!.what).toMatch(/^Edit user \(.+@.+\)$/);
    expect(listed.items[2]).toMatchObject({ commandName: 'createUser', what: 'Create user (new.hire@lucerne.example)' });
    expect(listed.items.slice(3).map((item) => item.batchId)).toEqual([batch.batchId, batch.batchId, batch.batchId]);
    expect(engine.queued(2).items).toHaveLength(2);

    // Discard the first change: the second stays on top of the confirmed row, against its version.
    expect(engine.discard({ mutationIds: [1] })).toEqual({ discarded: 1 });
    expect(viewUser(db, u1!.id)).toMatchObject({ lastName: u1!.last_name, firstName: 'Kept', version: u1!.version + 1 });
    expect(outboxIds(db)).toEqual([1, 2, 3, 4, 5]);
    const kept = db.prepare('SELECT args, base_version FROM outbox WHERE mutation_id = 1').get() as { args: string; base_version: number };
    expect({ version: (JSON.parse(kept.args) as { version: number }).version, base: kept.base_version }).toEqual({ version: u1!.version, base: u1!.version });

    // A whole bulk action at once.
    expect(engine.discard({ batchId: batch.batchId! })).toEqual({ discarded: 3 });
    expect(outboxIds(db)).toEqual([1, 2]);
    expect(viewUser(db, u2!.id)).toMatchObject({ lastName: u2!.last_name, version: u2!.version });
    expect(engine.status().pendingCount).toBe(2);
    expect(() => engine.discard({ mutationIds: [9] })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));

    await service.start();
    const after = await engine.syncNow();
    expect(after).toMatchObject({ state: 'online', pendingCount: 0, issueCount: 0 });
    const [row] = await service.store.query<{ first_name: string; last_name: string }>('SELECT first_name, last_name FROM users WHERE id = $1', [u1!.id]);
    expect(row).toEqual({ first_name: 'Kept', last_name: u1!.last_name });
    expect(await service.store.query('SELECT 1 FROM users WHERE id = $1', [created.entityId])).toHaveLength(1);
    const [bulk] = await service.store.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE last_name = 'Bulk'");
    expect(bulk!.n).toBe(0);
    const [client] = await service.store.query<{ last_mutation_id: number }>('SELECT last_mutation_id FROM sync_clients WHERE client_id = $1', [engine.clientId]);
    expect(client!.last_mutation_id).toBe(2);
    expect(engine.queued().lastSync).toMatchObject({ result: 'synced', sent: 2, refused: 0, message: null });

    // The next change follows on, with no id used twice.
    const next = engine.queue([{ name: 'updateUser', args: { orgId: org, userId: u2!.id, version: u2!.version, lastName: 'Later' } }]);
    expect(next.mutationIds).toEqual([3]);
  });

  it('still discards a change whose push could not connect at all (it never left this computer)', async () => {
    const refused: string[] = [];
    const { engine, db } = await engineOf((inner) => ({
      ...inner,
      push: (request) =>
        inner.push(request).catch((error: unknown) => {
          refused.push((error as SeatdeskError).details === undefined ? '' : String((error as { details: { reason?: unknown } }).details.reason));
          throw error;
        }),
    }));
    const [u1] = await usersOf('Alpine Ski House');
    await service.stop();
    engine.queue([{ name: 'updateUser', args: { orgId: u1!.org_id, userId: u1!.id, version: u1!.version, lastName: 'Never-Sent' } }]);
    // "Sync now" pushes at once, and the connection is refused.
    expect((await engine.syncNow()).state).toBe('offline');
    expect(refused).toEqual(['ECONNREFUSED']);
    expect(engine.queued().items).toMatchObject([{ mutationId: 1, sending: false }]);
    expect(engine.discard({ mutationIds: [1] })).toEqual({ discarded: 1 });
    expect(outboxIds(db)).toEqual([]);
  });

  it('refuses to discard a change that may be on the service already (its answer was lost)', async () => {
    let lose = false;
    const { engine, db } = await engineOf((inner) => ({
      ...inner,
      async push(request) {
        const answer = await inner.push(request);
        if (lose) throw new SeatdeskError('OFFLINE', 'The connection dropped before the answer arrived.');
        return answer;
      },
      async pull(query) {
        if (lose) throw new SeatdeskError('OFFLINE', 'Gone.');
        return inner.pull(query);
      },
    }));
    const [u1] = await usersOf('Coho Winery');
    lose = true;
    engine.queue([{ name: 'updateUser', args: { orgId: u1!.org_id, userId: u1!.id, version: u1!.version, lastName: 'Sent' } }]);
    expect((await engine.syncNow()).state).toBe('offline');
    expect(engine.queued().items).toMatchObject([{ mutationId: 1, sending: true }]);
    expect(() => engine.discard({ mutationIds: [1] })).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
    expect(outboxIds(db)).toEqual([1]);
    expect(engine.queued().lastSync).toMatchObject({ result: 'failed', sent: 0 });

    lose = false;
    expect(await engine.syncNow()).toMatchObject({ state: 'online', pendingCount: 0, issueCount: 0 });
    const [row] = await service.store.query<{ last_name: string }>('SELECT last_name FROM users WHERE id = $1', [u1!.id]);
    expect(row!.last_name).toBe('Sent');
  });
});
