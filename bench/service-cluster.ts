import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../service/db/migrate';
import { openPglite, openPostgres, type Store } from '../service/db/store';
import { seedDatabase } from '../service/seed/load';
import { addProvider } from '../service/testing/providers';
import { createFreshDatabase, type FreshDatabase } from '../service/testing/postgres';
import { killAll, startService, type ChildService } from '../service/testing/child-service';

export const BENCH_TOKEN_SECRET = 'bench-service-token-secret-0123456789abcdef';
export const BENCH_PASSWORD = 'seatdesk-demo';

/** The providers beside the seeded Northwind MSP: tenants in trees of their own. */
export const EXTRA_PROVIDERS = [
  { name: 'Contoso Cloud', slug: 'contoso-cloud' },
  { name: 'Fabrikam Managed IT', slug: 'fabrikam-managed' },
  { name: 'Litware Hosting', slug: 'litware-hosting' },
  { name: 'Proseware Ops', slug: 'proseware-ops' },
] as const;

export interface ClusterSize {
  customers: number;
  usersPerCustomer: number;
}

/** Service instances in child processes on one database, as an operator runs them. */
export interface Cluster {
  kind: 'postgres' | 'pglite';
  urls: string[];
  /** Extra providers' owners (their sign-ins). */
  providers: { orgId: string; ownerEmail: string }[];
  /** Queries against the database from outside the instances (PostgreSQL only). */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  seedSeconds: number;
  stop(): Promise<void>;
}

/** Seeds the scale data set and the extra providers through a store of the bench's own. */
async function prepare(store: Store, size: ClusterSize): Promise<{ orgId: string; ownerEmail: string }[]> {
  await migrate(store);
  await seedDatabase(store, { kind: 'scale', customers: size.customers, usersPerCustomer: size.usersPerCustomer });
  const providers = [];
  for (const provider of EXTRA_PROVIDERS) providers.push(await addProvider(store, provider));
  return providers;
}

/** BENCH_CHILD_NODE_OPTIONS: Node options for the instances only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them). */
const childOptions = process.env['BENCH_CHILD_NODE_OPTIONS'];
const childEnv = (extra: Record<string, string>) => ({
  ...(childOptions === undefined ? {} : { NODE_OPTIONS: childOptions }),
  SEATDESK_TOKEN_SECRET: BENCH_TOKEN_SECRET,
  LOG_LEVEL: 'warn',
  SMTP_URL: undefined,
  ...extra,
});

/**
 * `instances` services on a fresh PostgreSQL database (created here, dropped by stop()), each on a
 * port the OS picks, bound to 127.0.0.1.
 */
export async function startPostgresCluster(adminUrl: string, instances: number, size: ClusterSize): Promise<Cluster> {
  const previous = process.env['TEST_DATABASE_URL'];
  process.env['TEST_DATABASE_URL'] = adminUrl;
  let database: FreshDatabase;
  try {
    database = await createFreshDatabase();
  } finally {
    if (previous === undefined) delete process.env['TEST_DATABASE_URL'];
    else process.env['TEST_DATABASE_URL'] = previous;
  }
  const children: ChildService[] = [];
  try {
    const started = performance.now();
    const store = await openPostgres(database.url);
    const providers = await prepare(store, size).finally(() => store.close());
    const seedSeconds = (performance.now() - started) / 1000;
    for (let i = 0; i < instances; i += 1) children.push(await startService(['--port', '0'], childEnv({ DATABASE_URL: database.url })));
    return {
      kind: 'postgres',
      urls: children.map((child) => child.url),
      providers,
      query: database.query,
      seedSeconds,
      async stop() {
        await Promise.all(children.map((child) => child.stop()));
        await database.drop();
      },
    };
  } catch (error) {
    killAll(children);
    await database.drop();
    throw error;
  }
}

/** One service on a PGlite data folder (a temporary one, removed by stop()): the embedded default. */
export async function startPgliteCluster(size: ClusterSize): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), 'seatdesk-bench-pglite-'));
  const data = join(dir, 'data');
  try {
    const started = performance.now();
    const store = await openPglite(data);
    const providers = await prepare(store, size).finally(() => store.close());
    const seedSeconds = (performance.now() - started) / 1000;
    const child = await startService(['--port', '0', '--data', data], childEnv({}));
    return {
      kind: 'pglite',
      urls: [child.url],
      providers,
      query: async () => {
        throw new Error('The PGlite data folder is the service’s own while it runs.');
      },
      seedSeconds,
      async stop() {
        await child.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
