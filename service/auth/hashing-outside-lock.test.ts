import type * as Argon2 from '@node-rs/argon2';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SCHEMA_VERSION } from '@shared/sync/protocol';
import type { Store } from '../db/store';
import { startCommandKit, type CommandKit } from '../../test/support/commands';

/** How many argon2 hashes started while a write transaction's function was running. */
const hashing = vi.hoisted(() => ({ insideWrite: 0, total: 0, writesOpen: 0 }));

vi.mock('@node-rs/argon2', async (importOriginal) => {
  const original = await importOriginal<typeof Argon2>();
  return {
    ...original,
    hash: (...args: Parameters<typeof original.hash>) => {
      hashing.total += 1;
      if (hashing.writesOpen > 0) hashing.insideWrite += 1;
      return original.hash(...args);
    },
  };
});

/**
 * argon2 (about 30 ms of CPU each, deliberately) never runs inside a write transaction, where it
 * would hold its provider tree's lock: users an admin creates have no password at all until they
 * choose one (no hash to make), and an accepted invitation's password is hashed before the
 * transaction. One database kind is enough: the code path is the same on both.
 */
describe('password hashing never happens under the write lock', () => {
  let kit: CommandKit;
  beforeAll(async () => {
    kit = await startCommandKit('pglite');
    // Count the write transactions open at any moment through the service's own store.
    const store = kit.test.service.deps.store;
    const counted: Store = {
      ...store,
      write: (fn, trees) =>
        store.write(async (tx) => {
          hashing.writesOpen += 1;
          try {
            return await fn(tx);
          } finally {
            hashing.writesOpen -= 1;
          }
        }, trees),
    };
    kit.test.service.deps.store = counted;
  }, 60_000);
  afterAll(async () => {
    await kit?.close();
  });

  it('creates users without hashing (no password until they choose one) and hashes an accepted invitation outside every transaction', async () => {
    const wingtip = await kit.orgId('Wingtip Toys');
    const provider = await kit.orgId('Northwind MSP');
    const before = hashing.total;

    const created = await kit.call('POST', `/v1/orgs/${wingtip}/users`, { firstName: 'Rest', lastName: 'Created', email: 'rest-created@wingtip-toys.example' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const org = await kit.call('POST', '/v1/orgs', {
      parentId: provider,
      kind: 'customer',
      name: 'Hashing Outside Ltd',
      accountEmail: 'accounts@hashing-outside.example',
      admin: { firstName: 'Ann', lastName: 'Admin', email: 'ann@hashing-outside.example' },
    });
    expect(org.status, JSON.stringify(org.body)).toBe(201);
    const pushed = await kit.test.call('POST', '/v1/sync/push', {
      token: kit.owner.accessToken,
      body: {
        clientId: randomUUID(),
        schemaVersion: SCHEMA_VERSION,
        mutations: Array.from({ length: 5 }, (_, i) => ({ id: i + 1, name: 'createUser', args: { orgId: wingtip, firstName: 'Pushed', lastName: `N${i}`, email: `pushed-${i}@wingtip-toys.example` } })),
      },
    });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    expect(pushed.body.outcomes.map((outcome: { status: string }) => outcome.status)).toEqual(Array(5).fill('applied'));

    // The created user's emailed link, accepted with a password of their own.
    const [mail] = await kit.rows("SELECT body FROM mail_outbox WHERE recipient = 'rest-created@wingtip-toys.example' ORDER BY created_at DESC LIMIT 1");
    const token = /token=([A-Za-z0-9_-]+)/.exec(String(mail?.['body']))?.[1];
    expect(token).toBeDefined();
    const accepted = await kit.test.call('POST', '/v1/invitations/accept', { body: { token, password: 'a password of my own' } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    // Only the accepted password is hashed: creating users hashes nothing.
    expect(hashing.total - before).toBe(1);
    expect(hashing.insideWrite).toBe(0);
    // Every user made has no password until they choose their own, so none can sign in yet.
    const users = await kit.rows("SELECT password_hash, must_reset_password FROM users WHERE email LIKE 'pushed-%' OR email = 'ann@hashing-outside.example'");
    expect(users).toHaveLength(6);
    for (const user of users) expect(user).toEqual({ password_hash: null, must_reset_password: true });
    for (const password of ['x', 'a password of my own', 'null']) {
      const login = await kit.test.call('POST', '/v1/auth/login', { body: { email: 'pushed-0@wingtip-toys.example', password } });
      expect(login.status).toBe(401);
    }
    // The one who chose a password signs in with it.
    const signedIn = await kit.test.call('POST', '/v1/auth/login', { body: { email: 'rest-created@wingtip-toys.example', password: 'a password of my own' } });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
  });
});
