import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate';
import { openPostgres, type Store } from '../db/store';
import { startInstance, type Instance } from '../testing/instances';
import { createFreshDatabase, type FreshDatabase } from '../testing/postgres';
import { DEFAULT_LOGIN_LIMITS } from './rate-limit';
import { createPostgresLoginLimiter } from './rate-limit-postgres';
import { postgresForTests } from '../../test/support/postgres-available';

const T0 = Date.parse('2026-11-02T09:00:00Z');

describe.skipIf(!postgresForTests('the login limiter shared by instances on PostgreSQL'))('the login limiter shared by instances on PostgreSQL', () => {
  let database: FreshDatabase;
  let a: Instance;
  let b: Instance;
  // A clock that stands still: no back-off runs out while the test is slow.
  const now = () => new Date(T0);

  beforeAll(async () => {
    database = await createFreshDatabase();
    a = await startInstance(database.url, { seed: true, now });
    b = await startInstance(database.url, { now });
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  const login = async (instance: Instance, email: string, address: string, password = 'not-the-password') =>
    (await instance.service.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress: address })).statusCode;

  it('lets one address guess one account exactly the pair budget, whichever instance it asks', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) statuses.push(await login(i % 2 === 0 ? a : b, 'billing@northwind.example', '203.0.113.60'));
    // Per instance, each would have let 5 through (10 in all).
    expect(statuses.filter((status) => status === 401)).toHaveLength(DEFAULT_LOGIN_LIMITS.pair.free);
    expect(statuses.slice(DEFAULT_LOGIN_LIMITS.pair.free).every((status) => status === 429)).toBe(true);
  });

  it('lets guessing spread over 40 addresses and both instances through exactly the account budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i += 1) statuses.push(await login(i % 2 === 0 ? a : b, 'readonly@northwind.example', `198.51.100.${i + 1}`));
    // Per instance, 20 each would have gone through (40 in all).
    expect(statuses.filter((status) => status === 401)).toHaveLength(DEFAULT_LOGIN_LIMITS.account.free);
  });

  it('lets 30 parallel guesses at one pair on both instances through no more than the budget', async () => {
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => login(i % 2 === 0 ? a : b, 'owner@northwind.example', '203.0.113.61')));
    expect(statuses.filter((status) => status === 401)).toHaveLength(DEFAULT_LOGIN_LIMITS.pair.free);
    expect(statuses.filter((status) => status === 429)).toHaveLength(30 - DEFAULT_LOGIN_LIMITS.pair.free);
  });

  it('trusts a pair that signed in through A on B too', async () => {
    const email = 'admin@wingtip-toys.example';
    expect(await login(a, email, '198.51.100.200', 'seatdesk-demo')).toBe(200);
    for (let i = 0; i < 20; i += 1) expect(await login(i % 2 === 0 ? a : b, email, `203.0.113.${100 + i}`)).toBe(401);
    // The account is over its budget for new addresses, on either instance; not for the trusted pair.
    expect(await login(b, email, '192.0.2.201', 'seatdesk-demo')).toBe(429);
    expect(await login(b, email, '198.51.100.200', 'seatdesk-demo')).toBe(200);
  });
});

describe.skipIf(!postgresForTests('pruning the shared login limiter'))('pruning the shared login limiter', () => {
  let database: FreshDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await createFreshDatabase();
    store = await openPostgres(database.url);
    await migrate(store);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  const rows = async () => (await store.query<{ n: number }>('SELECT count(*)::int AS n FROM login_limits'))[0]!.n;

  it('deletes idle keys and old trusted pairs, keeps what is still counting, and prunes on write', async () => {
    await store.query('DELETE FROM login_limits');
    const limiter = createPostgresLoginLimiter(store, { idleMs: 60_000, trustMs: 600_000 }, { pruneEveryMs: 30_000 });
    const guesser = { account: 'victim@x.example', address: '203.0.113.70' };
    expect((await limiter.attempt(guesser, T0)).allowed).toBe(true);
    await limiter.failed(guesser, T0);
    const owner = { account: 'owner@x.example', address: '198.51.100.70' };
    expect((await limiter.attempt(owner, T0)).allowed).toBe(true);
    await limiter.succeeded(owner, T0);
    // The guesser's three keys, and the owner's trusted pair (their counters were settled and dropped).
    expect(await limiter.sizes()).toEqual({ pairs: 1, accounts: 1, addresses: 1, trusted: 1 });

    // Still counting at 60 s; idle past it, then gone. The trusted pair lasts its 10 minutes.
    expect(await limiter.prune(T0 + 60_000)).toBe(0);
    expect(await limiter.prune(T0 + 61_000)).toBe(3);
    expect(await limiter.sizes()).toEqual({ pairs: 0, accounts: 0, addresses: 0, trusted: 1 });

    // An attempt in flight is not forgotten while fresh (60 s), though its key's last failure is idle.
    const slow = { account: 'slow@x.example', address: '203.0.113.71' };
    expect((await limiter.attempt(slow, T0)).allowed).toBe(true);
    await limiter.failed(slow, T0);
    expect((await limiter.attempt(slow, T0 + 55_000)).allowed).toBe(true);
    expect(await limiter.prune(T0 + 100_000)).toBe(0);
    await limiter.released(slow, T0 + 100_000);
    expect(await rows()).toBe(4);

    // Pruning on write: an attempt 30 s of service clock after the last prune first deletes what
    // expired (the settled idle keys, the trusted pair after 10 minutes), then counts its own keys.
    await limiter.attempt({ account: 'later@x.example', address: '203.0.113.72' }, T0 + 700_000);
    expect(await limiter.sizes()).toEqual({ pairs: 1, accounts: 1, addresses: 1, trusted: 0 });
  });

  it('trims each kind to its cap, the least recently touched first', async () => {
    await store.query('DELETE FROM login_limits');
    const limiter = createPostgresLoginLimiter(store, { maxEntries: 40 }, { pruneEveryMs: Number.MAX_SAFE_INTEGER });
    for (let i = 0; i < 120; i += 1) {
      const key = { account: `u${i}@x.example`, address: `192.0.2.${i % 30}` };
      expect((await limiter.attempt(key, T0 + i)).allowed).toBe(true);
      await limiter.failed(key, T0 + i);
    }
    expect(await limiter.sizes()).toEqual({ pairs: 120, accounts: 120, addresses: 30, trusted: 0 });
    await limiter.prune(T0 + 200);
    expect(await limiter.sizes()).toEqual({ pairs: 40, accounts: 40, addresses: 30, trusted: 0 });
    const accounts = await store.query<{ key: string }>("SELECT key FROM login_limits WHERE kind = 'account'");
    expect(accounts.map((row) => row.key)).toContain('u119@x.example');
    expect(accounts.map((row) => row.key)).not.toContain('u79@x.example');
  });
});
