import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SeatdeskError } from '@shared/errors';
import type { CoreEvent } from '@shared/ipc/contract';
import { DEMO_NOW } from '../../../test/support/commands';
import { startRestartableService, type RestartableService } from '../../../test/support/restartable-service';
import { signedInTransport } from '../../../test/support/sync-transport';
import { openCacheDatabase } from '../db/open';
import { createEventBus } from '../events/event-bus';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from './engine';
import type { SyncTransport } from './transport';

/**
 * What the engine tells about each queued change once the service has answered it: the
 * sync.settled events a change's confirmation (or its refusal toast) waits for, from a push's
 * answer, or from the pull after an answer was lost, and after a reconnect.
 */

type Settled = Extract<CoreEvent, { type: 'sync.settled' }>;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function waitFor(what: string, predicate: () => boolean, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the outcome of each queued change, as events', () => {
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

  async function engineOf(options: Partial<SyncEngineOptions> & { wrap?: (inner: SyncTransport) => SyncTransport } = {}): Promise<{ engine: SyncEngine; settled: Settled[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'seatdesk-outcomes-'));
    const db = openCacheDatabase(join(dir, 'cache.db'));
    const { transport } = await signedInTransport(service, 'owner@northwind.example');
    const events = createEventBus();
    const settled: Settled[] = [];
    events.subscribe((event) => {
      if (event.type === 'sync.settled') settled.push(event);
    });
    const engine = createSyncEngine({
      db,
      transport: options.wrap?.(transport) ?? transport,
      events,
      now: () => DEMO_NOW,
      backoff: { baseMs: 20, maxMs: 200 },
      applyThreadMinRows: Number.POSITIVE_INFINITY,
      ...options,
    });
    cleanups.push(async () => {
      await engine.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await engine.syncNow();
    return { engine, settled };
  }

  /** An active subscription the service has cancelled behind the cache's back (same version: no poke, no conflict). */
  async function cancelledBehindTheCache(orgName: string): Promise<{ orgId: string; subscriptionId: string }> {
    const [row] = await service.store.query<{ org_id: string; id: string }>(
      "SELECT s.org_id, s.id FROM subscriptions s JOIN orgs o ON o.id = s.org_id WHERE o.name = $1 AND s.status = 'active' AND s.contract_end IS NULL LIMIT 1",
      [orgName],
    );
    if (row === undefined) throw new Error(`no active subscription without a contract in ${orgName}`);
    return { orgId: row.org_id, subscriptionId: row.id };
  }

  const refuse = (subscriptionId: string) => service.store.query("UPDATE subscriptions SET status = 'cancelled', cancel_at = now() WHERE id = $1", [subscriptionId]);
  const refusalsOf = (settled: Settled[]) => settled.flatMap((event) => event.refused);

  it('tells when a change was applied: its id settled, nothing refused', async () => {
    const { engine, settled } = await engineOf();
    const [user] = await service.store.query<{ id: string; org_id: string; version: number }>(
      "SELECT u.id, u.org_id, u.version FROM users u JOIN orgs o ON o.id = u.org_id WHERE o.name = 'Contoso Dental' AND u.status = 'active' ORDER BY u.email LIMIT 1",
    );
    engine.start();
    const queued = engine.queue([{ name: 'updateUser', args: { orgId: user!.org_id, userId: user!.id, version: user!.version, lastName: 'Settled' } }]);
    await waitFor('the answer', () => settled.some((event) => event.through >= queued.mutationIds[0]!));
    expect(refusalsOf(settled)).toEqual([]);
  });

  it('tells a refusal on push with its reason and the sync issue it became, once', async () => {
    const { engine, settled } = await engineOf();
    const { orgId, subscriptionId } = await cancelledBehindTheCache('Alpine Ski House');
    await refuse(subscriptionId);
    engine.start();
    const queued = engine.queue([{ name: 'cancelSubscription', args: { orgId, subscriptionId } }]);
    await waitFor('the answer', () => settled.some((event) => event.through >= queued.mutationIds[0]!));
    await engine.syncNow();
    const [issue] = engine.listIssues();
    expect(refusalsOf(settled)).toEqual([
      {
        issueId: issue!.id,
        mutationId: queued.mutationIds[0],
        batchId: null,
        kind: 'rejected',
        code: 'INVALID_TRANSITION',
        commandName: 'cancelSubscription',
        message: issue!.message,
      },
    ]);
    expect(issue!.message).toMatch(/^Cancel subscription \(.+\) was not applied\. /);
  });

  it('tells a refusal whose push answer was lost, from the pull, once', async () => {
    let pushes = 0;
    const { engine, settled } = await engineOf({
      wrap: (inner) => ({
        ...inner,
        async push(request) {
          const answer = await inner.push(request);
          pushes += 1;
          if (pushes === 1) throw new SeatdeskError('OFFLINE', 'The connection dropped before the answer arrived.');
          return answer;
        },
      }),
    });
    const { orgId, subscriptionId } = await cancelledBehindTheCache('Coho Winery');
    await refuse(subscriptionId);
    const queued = engine.queue([{ name: 'cancelSubscription', args: { orgId, subscriptionId } }]);
    await engine.syncNow();
    await engine.syncNow();
    expect(engine.status()).toMatchObject({ pendingCount: 0, issueCount: 1 });
    expect(refusalsOf(settled).map((refusal) => [refusal.mutationId, refusal.code])).toEqual([[queued.mutationIds[0], 'INVALID_TRANSITION']]);
    expect(Math.max(...settled.map((event) => event.through))).toBeGreaterThanOrEqual(queued.mutationIds[0]!);
  });

  // Also the case where the push fails as the service comes back and the pull works: once the
  // push's back-off has run out during a pull, the queue goes then (it waited for the next poll).
  it('tells a refusal of a change queued offline once the service is back', async () => {
    const { engine, settled } = await engineOf({ pollIntervalMs: 3_600_000 });
    const { orgId, subscriptionId } = await cancelledBehindTheCache('Margie\'s Travel');
    engine.start();
    await service.stop();
    await waitFor('offline', () => engine.status().state === 'offline');
    const queued = engine.queue([{ name: 'cancelSubscription', args: { orgId, subscriptionId } }]);
    await refuse(subscriptionId);
    await service.start();
    await waitFor('the refusal', () => refusalsOf(settled).length > 0);
    expect(refusalsOf(settled)).toMatchObject([{ mutationId: queued.mutationIds[0], kind: 'rejected', code: 'INVALID_TRANSITION' }]);
  });
});
