import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountDatabaseFile } from '../../electron/core/session/session-file';
import { Prng } from '../../service/seed/prng';
import { DEMO_PASSWORD } from '../support/service';
import { chaosServices, type ChaosService, type ChaosServiceFactory } from './chaos-service';
import { checkInvariants, checkLedger, compareCache } from './chaos-verify';
import type { ClientMessage } from './chaos-protocol';
import { bundleChaosClient, startClientProcess } from './client-harness';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

const EMAIL = 'admin@fabrikam-it-partners.example';

/**
 * The chaos test's checks can fail: one client edits through a calm proxy and is signed out on
 * the service meanwhile (the harness hears it), everything then checks clean, and each kind of
 * damage done to the service's tables afterwards is reported.
 */
describe('the chaos checks', () => {
  let services: ChaosServiceFactory;
  let service: ChaosService;
  let proxy: FaultProxy;
  let dir: string;
  let cacheFile: string;
  let acknowledged: number[];
  const messages: ClientMessage[] = [];

  beforeAll(async () => {
    const [factory, script] = await Promise.all([chaosServices(), bundleChaosClient()]);
    services = factory;
    service = await services.start();
    proxy = await startFaultProxy({ target: service.url, random: new Prng('verify'), rates: { drop: 0, reset: 0, delay: 0, swallow: 0, gateway: 0, cutStream: 0 } });
    dir = mkdtempSync(join(tmpdir(), 'seatdesk-chaos-verify-'));
    const client = startClientProcess(
      script,
      {
        CHAOS_DATA_DIR: dir,
        CHAOS_SERVICE_URL: proxy.url,
        CHAOS_EMAIL: EMAIL,
        CHAOS_PASSWORD: DEMO_PASSWORD,
        // A seed whose first edits queue mutations; the test says so if that ever changes.
        CHAOS_SEED: 7,
        CHAOS_CLIENT: 1,
        CHAOS_INCARNATION: 0,
        CHAOS_STEPS: 12,
        CHAOS_SECRETS: `file:${join(dir, 'secrets.json')}`,
        CHAOS_PROTECTED: EMAIL,
      },
      (message) => messages.push(message),
    );
    await client.waitFor('idle');
    // The service ends the session: the client's next request is refused and the core signs out.
    await service.store.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = (SELECT id FROM users WHERE email = $1)', [EMAIL]);
    client.send('HEAL');
    await client.waitFor('settled');
    client.send('PULL');
    await client.waitFor('pulled');
    client.send('EXIT');
    await client.waitFor('done');
    await client.exited;
    const [user] = await service.store.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [EMAIL]);
    cacheFile = accountDatabaseFile(dir, proxy.url, String(user!.id));
    acknowledged = messages.flatMap((message) => (message.t === 'queued' ? message.ids : []));
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    await service?.close();
    await services?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('hears a sign-out the user did not ask for', () => {
    expect(messages.filter((message) => message.t === 'signed-out')).toHaveLength(1);
  });

  it('finds nothing wrong after a clean run', async () => {
    expect(acknowledged.length).toBeGreaterThan(0);
    const ledger = await checkLedger(service.store, cacheFile, acknowledged);
    expect(ledger).toMatchObject({ lost: [], duplicated: [], unaudited: [], problems: [] });
    expect(ledger.queued).toBeGreaterThanOrEqual(Math.max(...acknowledged));
    expect(await compareCache(service.store, cacheFile, EMAIL)).toEqual([]);
    expect(await checkInvariants(service.store)).toEqual([]);
  });

  it('reports a row that differs, one missing and one extra', async () => {
    const [alpine] = await service.store.query<{ id: string }>("SELECT id FROM orgs WHERE name = 'Alpine Ski House'");
    await service.store.query("UPDATE users SET first_name = 'Tampered' WHERE id = (SELECT id FROM users WHERE org_id = $1 ORDER BY email LIMIT 1)", [alpine!.id]);
    // One contact the cache never saw, and one the cache has that the service no longer has.
    await service.store.query(
      `INSERT INTO billing_contacts (id, org_id, email, user_id, kinds, created_at, updated_at, seq)
       VALUES ($1, $2, 'planted@example.com', NULL, ARRAY['invoices'], now(), now(), 0)`,
      [randomUUID(), alpine!.id],
    );
    await service.store.query('DELETE FROM billing_contacts WHERE id = (SELECT id FROM billing_contacts WHERE org_id = $1 ORDER BY email LIMIT 1)', [alpine!.id]);
    const differences = await compareCache(service.store, cacheFile, EMAIL);
    expect(differences.join('\n')).toMatch(/^user: 0 missing, 0 extra, 1 different/m);
    expect(differences.join('\n')).toMatch(/^billing_contact: 1 missing, 1 extra, 0 different/m);
  });

  it('reports a lost mutation and a mutation applied twice', async () => {
    const { clientId } = await checkLedger(service.store, cacheFile, acknowledged);
    const [applied] = await service.store.query<{ mutation_id: number }>(
      "SELECT mutation_id FROM sync_mutations WHERE client_id = $1 AND status = 'applied' ORDER BY mutation_id LIMIT 1",
      [clientId],
    );
    expect(applied).toBeDefined();
    await service.store.query(
      `INSERT INTO audit_events (id, org_id, actor_user_id, actor_email, entity, entity_id, action, before, after, at, origin, version, seq)
       SELECT $3, org_id, actor_user_id, actor_email, entity, entity_id, action, before, after, at, origin, version, seq
         FROM audit_events WHERE origin->>'clientId' = $1 AND origin->>'mutationId' = $2 LIMIT 1`,
      [clientId, String(applied!.mutation_id), randomUUID()],
    );
    await service.store.query('DELETE FROM sync_mutations WHERE client_id = $1 AND mutation_id = $2', [clientId, applied!.mutation_id]);
    const ledger = await checkLedger(service.store, cacheFile, acknowledged);
    expect(ledger.lost).toEqual([Number(applied!.mutation_id)]);
    expect(ledger.duplicated.join('\n')).toContain(`mutation ${applied!.mutation_id} changed`);
    expect(ledger.problems.join('\n')).toContain(`mutation ${applied!.mutation_id} has audit events but is recorded as not applied`);
  });

  it('reports a rejection that is not a sync issue', async () => {
    const { clientId } = await checkLedger(service.store, cacheFile, acknowledged);
    const [applied] = await service.store.query<{ mutation_id: number }>(
      "SELECT mutation_id FROM sync_mutations WHERE client_id = $1 AND status = 'applied' ORDER BY mutation_id DESC LIMIT 1",
      [clientId],
    );
    expect(applied).toBeDefined();
    await service.store.query("UPDATE sync_mutations SET status = 'rejected', code = 'FORBIDDEN' WHERE client_id = $1 AND mutation_id = $2", [clientId, applied!.mutation_id]);
    const ledger = await checkLedger(service.store, cacheFile, acknowledged);
    expect(ledger.problems).toContain(`mutation ${applied!.mutation_id} was answered rejected and is not a sync issue of that kind`);
  });

  it('reports an organization without an administrator and an invoice that does not add up', async () => {
    await service.store.query("UPDATE users SET status = 'deactivated' WHERE org_id = (SELECT id FROM orgs WHERE name = 'Wingtip Toys')");
    await service.store.query('UPDATE invoices SET total = total + 1 WHERE id = (SELECT id FROM invoices ORDER BY number LIMIT 1)');
    const problems = await checkInvariants(service.store);
    expect(problems).toContain('Wingtip Toys has no active Administrator or Owner');
    expect(problems.filter((problem) => problem.includes('The total is not the subtotal plus tax.'))).toHaveLength(1);
  });
});
