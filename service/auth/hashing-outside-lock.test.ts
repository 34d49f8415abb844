import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SCHEMA_VERSION } from '@shared/sync/protocol';
import type { Store } from '../db/store';
import { startCommandKit, type CommandKit } from '../../test/support/commands';

/** How many argon2 hashes started while a write transaction's function was running. */
const hashing = vi.hoisted(() => ({ insideWrite: 0, total: 0, writesOpen: 0 }));

vi.mock('@node-rs/argon2', async (importOriginal) => {
  const original = await importOriginal<typeof import('@node-rs/argon2')>();
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
 * would hold its provider tree's lock: new users' random passwords are hashed before the
 * transaction (REST commands, each push chunk), and so is an accepted invitation's password.
 * One database kind is enough: the code path is the same on both.
 */
describe('password hashing happens before the write lock', () => {
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

  it('hashes for createUser, createOrg, a push of creates and an accepted invitation outside every transaction', async () => {
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

    // 1 REST user, 1 organization's administrator, 5 pushed users, 1 accepted password.
    expect(hashing.total - before).toBe(8);
    expect(hashing.insideWrite).toBe(0);
    // Every user made has a hash nobody knows until they choose their own.
    const users = await kit.rows("SELECT password_hash, must_reset_password FROM users WHERE email LIKE 'pushed-%' OR email = 'ann@hashing-outside.example'");
    expect(users).toHaveLength(6);
    for (const user of users) {
      expect(String(user['password_hash'])).toMatch(/^\$argon2id\$/);
      expect(user['must_reset_password']).toBe(true);
    }
    expect(new Set(users.map((user) => user['password_hash'])).size).toBe(6);
  });
});
