/**
 * Measures one month-end lifecycle run at scale: total time and the longest single write
 * transaction (each Store.write timed from its call to its commit, lock waits included).
 *
 *   TEST_DATABASE_URL=postgres://... npx tsx --tsconfig tsconfig.node.json service/lifecycle/measure-month-end.ts 2000 5
 *
 * Arguments: customers (default 2000), users per customer (default 5). Without TEST_DATABASE_URL
 * it runs on in-memory PGlite. Creates and drops its own database.
 */
import { performance } from 'node:perf_hooks';
import { billingPeriodsEndingBy } from '../billing/invoice-math';
import { migrate } from '../db/migrate';
import { openPglite, openPostgres, type Store } from '../db/store';
import { seedDatabase } from '../seed/load';
import { createFreshDatabase, testDatabaseUrl, type FreshDatabase } from '../testing/postgres';
import { runLifecycle } from './run';

const customers = Number(process.argv[2] ?? 2000);
const usersPerCustomer = Number(process.argv[3] ?? 5);
const SEED_NOW = new Date('2026-11-01T00:00:00Z');

function timed(store: Store, durations: number[]): Store {
  return {
    ...store,
    query: store.query.bind(store),
    snapshot: store.snapshot.bind(store),
    exec: store.exec.bind(store),
    close: store.close.bind(store),
    write: async (fn, trees) => {
      const start = performance.now();
      try {
        return await store.write(fn, trees);
      } finally {
        durations.push(performance.now() - start);
      }
    },
  };
}

async function main(): Promise<void> {
  let fresh: FreshDatabase | null = null;
  let store: Store;
  if (testDatabaseUrl() === undefined) store = await openPglite();
  else {
    fresh = await createFreshDatabase();
    store = await openPostgres(fresh.url);
  }
  try {
    await migrate(store);
    let start = performance.now();
    await seedDatabase(store, { kind: 'scale', customers, usersPerCustomer, now: SEED_NOW });
    const [orgs] = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM orgs');
    console.log(`${store.kind}: seeded ${orgs?.n} organizations (${customers} customers x ${usersPerCustomer} users) in ${Math.round(performance.now() - start)} ms`);
    // The month after the latest invoiced one has just closed.
    const [latest] = await store.query<{ d: string }>("SELECT to_char(max(period_end), 'YYYY-MM-DD') AS d FROM invoices");
    const next = billingPeriodsEndingBy('monthly', `${latest!.d}T00:00:00Z`, '2100-01-01T00:00:00Z')[1]!;
    const asOf = new Date(Date.parse(`${next.periodEnd}T00:00:00Z`) + 86_400_000 + 5 * 60_000);
    const durations: number[] = [];
    start = performance.now();
    const result = await runLifecycle(timed(store, durations), { asOf, now: asOf });
    const total = performance.now() - start;
    const { changedOrgs, ...counts } = result;
    console.log(JSON.stringify(counts));
    console.log(`write transactions in order (ms): ${durations.map((ms) => Math.round(ms)).join(' ')}`);
    console.log(
      `month end as of ${asOf.toISOString()}: total ${Math.round(total)} ms, ${durations.length} write transactions, ` +
        `longest ${Math.round(Math.max(...durations))} ms, median ${Math.round(durations.sort((a, b) => a - b)[Math.floor(durations.length / 2)]!)} ms, changed ${changedOrgs.size} organizations`,
    );
  } finally {
    await store.close();
    await fresh?.drop();
  }
}

await main();
