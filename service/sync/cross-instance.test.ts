import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEvents } from '../testing/event-client';
import { startInstance, type Instance } from '../testing/instances';
import { createFreshDatabase, type FreshDatabase } from '../testing/postgres';
import { postgresForTests } from '../../test/support/postgres-available';

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe.skipIf(!postgresForTests('pokes across instances on one PostgreSQL database'))('pokes across instances on one PostgreSQL database', () => {
  let database: FreshDatabase;
  let a: Instance;
  let b: Instance;
  const orgId = async (name: string) => String((await database.query<{ id: string }>('SELECT id FROM orgs WHERE name = $1', [name]))[0]?.id);

  beforeAll(async () => {
    database = await createFreshDatabase();
    a = await startInstance(database.url, { seed: true });
    b = await startInstance(database.url);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('a change through A pokes the clients connected to B whose scope it touches, within a second', async () => {
    const wingtip = await orgId('Wingtip Toys');
    const alpine = await orgId('Alpine Ski House');
    const owner = await a.signIn('owner@northwind.example');
    const admin = await b.signIn('admin@wingtip-toys.example');
    const onB = await connectEvents(b.url, admin.accessToken);
    try {
      expect(onB.status).toBe(200);
      // A sibling customer changes: nothing for the Wingtip admin on B.
      expect((await a.call('POST', `/v1/orgs/${alpine}/users`, { token: owner.accessToken, body: { firstName: 'Side', lastName: 'Ways', email: 'side@alpine-ski-house.example' } })).status).toBe(201);
      expect(await onB.waitForPokes(1, 1000)).toBe(false);

      const started = Date.now();
      expect((await a.call('POST', `/v1/orgs/${wingtip}/users`, { token: owner.accessToken, body: { firstName: 'Over', lastName: 'There', email: 'over-there@wingtip-toys.example' } })).status).toBe(201);
      // Waits up to 10 s so a loaded machine does not fail the test; the latency is printed.
      expect(await onB.waitForPokes(1, 10_000)).toBe(true);
      console.info(`poke across instances: ${Date.now() - started} ms after the request was sent`);
      expect(onB.pokes()).toBe(1);

      // A push through A pokes B's client once for the whole push.
      const push = await a.call('POST', '/v1/sync/push', {
        token: owner.accessToken,
        body: {
          clientId: randomUUID(),
          schemaVersion: 1,
          mutations: [1, 2, 3].map((id) => ({ id, name: 'createUser', args: { orgId: wingtip, firstName: 'Push', lastName: `N${id}`, email: `push${id}@wingtip-toys.example` } })),
        },
      });
      expect(push.status).toBe(200);
      expect(await onB.waitForPokes(2, 10_000)).toBe(true);
      expect(await onB.waitForPokes(3, 500)).toBe(false);
    } finally {
      onB.close();
      await onB.ended;
    }
  });

  it('a change too large for one NOTIFY still pokes every instance (the compact form)', async () => {
    const wingtip = await orgId('Wingtip Toys');
    const admin = await b.signIn('admin@wingtip-toys.example');
    const onB = await connectEvents(b.url, admin.accessToken);
    try {
      // 5,000 organization ids are about 185 kB: over pg_notify's 8,000-byte payload.
      const many = [...Array.from({ length: 5000 }, () => randomUUID()), wingtip];
      a.service.deps.notifier.changed(many);
      expect(await onB.waitForPokes(1, 10_000)).toBe(true);
      // A few hundred ids go in chunks, and the one inside the client's scope still finds it.
      a.service.deps.notifier.changed([...Array.from({ length: 600 }, () => randomUUID()), wingtip]);
      expect(await onB.waitForPokes(2, 10_000)).toBe(true);
    } finally {
      onB.close();
      await onB.ended;
    }
  });

  it("B's listener reconnects after its connection is killed, pokes its clients to catch up, and pokes again after", async () => {
    const wingtip = await orgId('Wingtip Toys');
    const owner = await a.signIn('owner@northwind.example');
    const admin = await b.signIn('admin@wingtip-toys.example');
    const onB = await connectEvents(b.url, admin.accessToken);
    try {
      expect(b.service.deps.notifier.connected()).toBe(true);
      // Refused new connections keep the listeners down until the test lets them back.
      await database.setConnectionsAllowed(false);
      try {
        // One listener per instance: A's and B's.
        expect(await database.killListeners()).toBe(2);
        expect(await until(() => !b.service.deps.notifier.connected(), 5000)).toBe(true);
      } finally {
        await database.setConnectionsAllowed(true);
      }
      expect(await until(() => b.service.deps.notifier.connected(), 15_000)).toBe(true);
      // Notifications sent while it was away are lost, so it pokes every client once it is back.
      expect(await onB.waitForPokes(1, 5000)).toBe(true);
      expect(await until(() => a.service.deps.notifier.connected(), 15_000)).toBe(true);
      expect((await a.call('POST', `/v1/orgs/${wingtip}/users`, { token: owner.accessToken, body: { firstName: 'After', lastName: 'Reconnect', email: 'after-reconnect@wingtip-toys.example' } })).status).toBe(201);
      expect(await onB.waitForPokes(2, 10_000)).toBe(true);
    } finally {
      onB.close();
      await onB.ended;
    }
  });
});
