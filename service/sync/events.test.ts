import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/service';
import { startCommandKit, type CommandKit } from '../../test/support/commands';
import { connectEvents as connect } from '../testing/event-client';
import { DRAIN_RETRY_MS } from './events';

describe.each(testDatabases())('GET /v1/sync/events (%s)', (database) => {
  let kit: CommandKit;
  let closed = false;
  beforeAll(async () => {
    kit = await startCommandKit(database);
  });
  afterAll(async () => {
    if (!closed) await kit?.close();
  });

  it('pokes a client after a change in its scope, and not after one elsewhere', async () => {
    const wingtip = await kit.orgId('Wingtip Toys');
    const alpine = await kit.orgId('Alpine Ski House');
    const admin = await kit.test.signIn('admin@wingtip-toys.example');
    const events = await connect(kit.test.url, admin.accessToken);
    const provider = await connect(kit.test.url, kit.owner.accessToken);
    try {
      expect(events.status).toBe(200);
      expect(events.contentType).toMatch(/^text\/event-stream/);
      expect(kit.test.service.deps.notifier.size()).toBe(2);

      // A sibling customer changes: nothing for the Wingtip admin, a poke for the provider above both.
      expect((await kit.call('POST', `/v1/orgs/${alpine}/users`, { firstName: 'Side', lastName: 'Ways', email: 'side@alpine-ski-house.example' })).status).toBe(201);
      expect(await provider.waitForPokes(1, 2000)).toBe(true);
      expect(await events.waitForPokes(1, 300)).toBe(false);

      expect((await kit.call('POST', `/v1/orgs/${wingtip}/users`, { firstName: 'In', lastName: 'Scope', email: 'in-scope@wingtip-toys.example' })).status).toBe(201);
      expect(await events.waitForPokes(1, 2000)).toBe(true);
      expect(events.text()).toContain('event: poke\ndata: {}\n\n');

      // A push pokes too, once for the whole push.
      const push = await kit.call('POST', '/v1/sync/push', {
        clientId: randomUUID(),
        schemaVersion: 1,
        mutations: [1, 2, 3].map((id) => ({ id, name: 'createUser', args: { orgId: wingtip, firstName: 'Push', lastName: `N${id}`, email: `push${id}@wingtip-toys.example` } })),
      });
      expect(push.body.outcomes.map((outcome: { status: string }) => outcome.status)).toEqual(['applied', 'applied', 'applied']);
      expect(await events.waitForPokes(2, 2000)).toBe(true);
      expect(await events.waitForPokes(3, 200)).toBe(false);
    } finally {
      events.close();
      provider.close();
    }
    await events.ended;
    await provider.ended;
    // The server lets go of a subscription when its client disconnects.
    for (let i = 0; i < 100 && kit.test.service.deps.notifier.size() > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(kit.test.service.deps.notifier.size()).toBe(0);
  });

  it('needs a session', async () => {
    const events = await connect(kit.test.url, null);
    expect(events.status).toBe(401);
    await events.ended;
    expect(JSON.parse(events.text())).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('ends open streams when the service closes, with a retry hint (the SSE retry field) to reconnect elsewhere', async () => {
    const events = await connect(kit.test.url, kit.owner.accessToken);
    expect(events.status).toBe(200);
    const started = Date.now();
    closed = true;
    await kit.close();
    await events.ended;
    expect(Date.now() - started).toBeLessThan(5000);
    const retry = /(?:^|\n)retry: (\d+)\n\n$/.exec(events.text());
    expect(retry, events.text()).not.toBeNull();
    expect(Number(retry![1])).toBeGreaterThanOrEqual(DRAIN_RETRY_MS.min);
    expect(Number(retry![1])).toBeLessThanOrEqual(DRAIN_RETRY_MS.max);
  });
});
