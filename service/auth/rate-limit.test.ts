import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate';
import { openPostgres, type Store } from '../db/store';
import { createFreshDatabase, testDatabaseUrl, type FreshDatabase } from '../testing/postgres';
import { DEFAULT_LOGIN_LIMITS, createLoginLimiter, type LoginKey, type LoginLimiter, type LoginLimiterOptions } from './rate-limit';
import { createPostgresLoginLimiter } from './rate-limit-postgres';

const T0 = Date.parse('2026-11-02T09:00:00Z');

async function fail(limiter: LoginLimiter, key: LoginKey, nowMs: number): Promise<boolean> {
  const decision = await limiter.attempt(key, nowMs);
  if (!decision.allowed) return false;
  await limiter.failed(key, nowMs);
  return true;
}

describe('the in-memory login limiter', () => {
  it('stays under its cap with 41,394 distinct emails in 50 s, evicting the oldest', async () => {
    const limiter = createLoginLimiter();
    const emails = 41_394;
    let allowed = 0;
    const started = performance.now();
    for (let i = 0; i < emails; i += 1) {
      // Each from its own address (the worst case for the maps: every key is new), 50 s in all.
      const key = { account: `user${i}@flood.example`, address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` };
      if (await fail(limiter, key, T0 + Math.floor((i * 50_000) / emails))) allowed += 1;
    }
    const elapsedMs = performance.now() - started;
    const sizes = limiter.sizes();
    expect(allowed).toBe(emails);
    expect(sizes).toEqual({ pairs: DEFAULT_LOGIN_LIMITS.maxEntries, accounts: DEFAULT_LOGIN_LIMITS.maxEntries, addresses: DEFAULT_LOGIN_LIMITS.maxEntries, trusted: 0 });
    // Measured, not asserted (machines differ): printed for the report.
    console.info(`login limiter: ${emails} distinct emails in ${elapsedMs.toFixed(0)} ms (${Math.round((emails / elapsedMs) * 1000)} attempts/s), sizes ${JSON.stringify(sizes)}`);

    // The same flood from one address is refused after the address's budget, so it cannot fill the maps.
    const oneAddress = createLoginLimiter();
    let through = 0;
    for (let i = 0; i < emails; i += 1) {
      if (await fail(oneAddress, { account: `user${i}@flood.example`, address: '203.0.113.99' }, T0 + Math.floor((i * 50_000) / emails))) through += 1;
    }
    expect(through).toBeLessThan(DEFAULT_LOGIN_LIMITS.address.free + 20);
    expect(oneAddress.sizes().accounts).toBe(through);

    // The newest keys are the ones kept: the last email is still counted, the first forgotten.
    const small = createLoginLimiter({ maxEntries: 100 });
    for (let i = 0; i < 1_000; i += 1) await fail(small, { account: `u${i}@x.example`, address: `192.0.2.${i % 50}` }, T0);
    expect(small.sizes()).toMatchObject({ pairs: 100, accounts: 100, addresses: 50 });
  });
});

type Sizes = { pairs: number; accounts: number; addresses: number; trusted: number };
type Make = (overrides?: Partial<LoginLimiterOptions>) => Promise<LoginLimiter & { sizes(): Sizes | Promise<Sizes> }>;

/** The same rules, in memory (PGlite) and in PostgreSQL (shared by instances), when a server is set. */
const IMPLEMENTATIONS: { name: string; setUp(): Promise<{ make: Make; tearDown(): Promise<void> }> }[] = [
  { name: 'in memory', setUp: async () => ({ make: async (overrides) => createLoginLimiter(overrides), tearDown: async () => {} }) },
  ...(testDatabaseUrl() === undefined
    ? []
    : [
        {
          name: 'in PostgreSQL',
          async setUp() {
            const database: FreshDatabase = await createFreshDatabase();
            const store: Store = await openPostgres(database.url);
            await migrate(store);
            return {
              // Each limiter starts from an empty table, as a new in-memory one starts empty.
              make: async (overrides?: Partial<LoginLimiterOptions>) => {
                await store.query('DELETE FROM login_limits');
                return createPostgresLoginLimiter(store, overrides);
              },
              async tearDown() {
                await store.close();
                await database.drop();
              },
            };
          },
        },
      ]),
];

describe.each(IMPLEMENTATIONS)('the login limiter $name', (implementation) => {
  let make: Make;
  let tearDown = async () => {};
  beforeAll(async () => {
    ({ make, tearDown } = await implementation.setUp());
  }, 60_000);
  afterAll(() => tearDown());

  it('forgets keys that have been idle longer than idleMs', async () => {
    const limiter = await make({ idleMs: 60_000 });
    for (let i = 0; i < 50; i += 1) await fail(limiter, { account: `old${i}@x.example`, address: '192.0.2.1' }, T0);
    expect((await limiter.sizes()).accounts).toBe(50);
    await fail(limiter, { account: 'new@x.example', address: '192.0.2.2' }, T0 + 61_000);
    expect(await limiter.sizes()).toMatchObject({ accounts: 1, pairs: 1, addresses: 1 });
  });

  it('lets one guess at a time through past the free budget, so parallel requests do not spend the back-off twice', async () => {
    const limiter = await make();
    const key = { account: 'target@x.example', address: '203.0.113.1' };
    for (let i = 0; i < DEFAULT_LOGIN_LIMITS.pair.free - 1; i += 1) expect(await fail(limiter, key, T0)).toBe(true);
    // 100 requests at once: the budget has room for one; the rest are refused while it is checked.
    const decisions = await Promise.all(Array.from({ length: 100 }, () => limiter.attempt(key, T0)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(1);
    await limiter.failed(key, T0);
    expect(await limiter.attempt(key, T0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('does not count an attempt released without a verdict', async () => {
    const limiter = await make();
    const key = { account: 'db-error@x.example', address: '203.0.113.2' };
    for (let i = 0; i < 20; i += 1) {
      expect((await limiter.attempt(key, T0)).allowed).toBe(true);
      await limiter.released(key, T0);
    }
    expect(await limiter.sizes()).toMatchObject({ pairs: 0, accounts: 0, addresses: 0 });
  });

  it('forgets the pair’s failures on success and trusts the pair, but keeps the address’s count', async () => {
    const limiter = await make({ address: { free: 3, baseMs: 1_000, maxMs: 60_000 } });
    const owner = { account: 'owner@x.example', address: '203.0.113.3' };
    expect(await fail(limiter, owner, T0)).toBe(true);
    expect((await limiter.attempt(owner, T0)).allowed).toBe(true);
    await limiter.succeeded(owner, T0);
    // Three more wrong guesses from the address, for other accounts: the address is over its budget.
    for (let i = 0; i < 3; i += 1) await fail(limiter, { account: `other${i}@x.example`, address: owner.address }, T0);
    expect((await limiter.attempt({ account: 'stranger@x.example', address: owner.address }, T0)).allowed).toBe(false);
    expect((await limiter.attempt(owner, T0)).allowed).toBe(true);
  });

  it('caps the wait at maxMs', async () => {
    const limiter = await make({ pair: { free: 1, baseMs: 1_000, maxMs: 10_000 } });
    const key = { account: 'slow@x.example', address: '203.0.113.4' };
    let now = T0;
    const waits: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const decision = await limiter.attempt(key, now);
      if (!decision.allowed) {
        waits.push(decision.retryAfterSeconds);
        now += decision.retryAfterSeconds * 1000;
        i -= 1;
        continue;
      }
      await limiter.failed(key, now);
    }
    expect(waits).toEqual([1, 2, 4, 8, 10, 10, 10]);
  });
});
