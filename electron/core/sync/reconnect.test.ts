import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SyncStatus } from '@shared/ipc/models';
import { DEMO_NOW } from '../../../test/support/commands';
import { startRestartableService, type RestartableService } from '../../../test/support/restartable-service';
import { signedInTransport } from '../../../test/support/sync-transport';
import { openCacheDatabase } from '../db/open';
import { createEventBus } from '../events/event-bus';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from './engine';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function waitFor(what: string, predicate: () => boolean, deadlineMs = 30_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('back online after the service returns', () => {
  let service: RestartableService;
  beforeAll(async () => {
    service = await startRestartableService({ now: DEMO_NOW });
  });
  afterAll(async () => {
    await service?.close();
  });

  /** An engine with the app's own timings (no test back-off), the jitter at its longest. */
  async function engineOf(options: Partial<SyncEngineOptions> = {}): Promise<{ engine: SyncEngine; statuses: { at: number; status: SyncStatus }[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'seatdesk-reconnect-'));
    const db = openCacheDatabase(join(dir, 'cache.db'));
    const { transport } = await signedInTransport(service, 'owner@northwind.example');
    const events = createEventBus();
    const statuses: { at: number; status: SyncStatus }[] = [];
    events.subscribe((event) => {
      if (event.type === 'sync.status') statuses.push({ at: performance.now(), status: event.status });
    });
    const engine = createSyncEngine({ db, transport, events, now: () => DEMO_NOW, random: () => 1, applyThreadMinRows: Number.POSITIVE_INFINITY, ...options });
    cleanups.push(async () => {
      await engine.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return { engine, statuses };
  }

  it('is online within about 2 s of the service coming back, however long it was gone', async () => {
    // An hour between polls: only the event stream's reconnection can bring it back in time.
    const { engine, statuses } = await engineOf({ pollIntervalMs: 3_600_000 });
    engine.start();
    await waitFor('the first sync', () => engine.status().state === 'online', 60_000);

    await service.stop();
    await waitFor('offline', () => engine.status().state === 'offline');
    // Long enough for a back-off that keeps doubling to reach 8 s between attempts.
    await sleep(8_000);
    const restarted = performance.now();
    await service.start();
    await waitFor('online again', () => engine.status().state === 'online', 60_000);
    const onlineAt = statuses.find((entry) => entry.at >= restarted && entry.status.state === 'online')?.at ?? performance.now();
    const seconds = (onlineAt - restarted) / 1000;
    console.log(`Online ${seconds.toFixed(2)} s after the service came back (target: within 2 s).`);
    // The target is 2 s; the bound leaves room for a loaded machine, and a doubling back-off misses it.
    expect(seconds).toBeLessThan(5);
  }, 90_000);

  it('pushes what was queued while offline as soon as the stream reconnects', async () => {
    const { engine } = await engineOf({ pollIntervalMs: 3_600_000 });
    engine.start();
    await waitFor('the first sync', () => engine.status().state === 'online', 60_000);
    const [org] = await service.store.query<{ id: string }>("SELECT id FROM orgs WHERE name = 'Alpine Ski House'");
    await service.stop();
    await waitFor('offline', () => engine.status().state === 'offline');
    engine.queue([{ name: 'createUser', args: { orgId: org!.id, firstName: 'Back', lastName: 'Online', email: 'back.online@alpine-ski-house.example' } }]);
    expect(engine.status().pendingCount).toBe(1);
    await sleep(3_000);
    await service.start();
    await waitFor('the queue sent', () => engine.status().pendingCount === 0 && engine.status().state === 'online', 60_000);
    expect(await service.store.query("SELECT 1 FROM users WHERE email = 'back.online@alpine-ski-house.example'")).toHaveLength(1);
  }, 90_000);
});
