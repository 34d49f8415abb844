import { randomUUID } from 'node:crypto';
import { buildService } from '../service/app';
import { openPglite } from '../service/db/store';
import { generateScaleDataset } from '../service/seed/dataset';
import { seedDatabase } from '../service/seed/load';
import { latency, once, type BenchResult } from './harness';


interface PullPage {
  changes: unknown[];
  cursor: number;
  hasMore: boolean;
}

/**
 * The scale data set of the service issue (2,000 customers x 50 users by default) on PGlite:
 * generating it, seeding it, a provider owner's full bootstrap pull, and a users list.
 */
export async function serviceBenches(size: { customers: number; usersPerCustomer: number }): Promise<BenchResult[]> {
  const CUSTOMERS = size.customers;
  const USERS_PER_CUSTOMER = size.usersPerCustomer;
  const results: BenchResult[] = [];
  const generated = await once({
    name: `Scale data set generated (${CUSTOMERS} customers x ${USERS_PER_CUSTOMER} users)`,
    targetMs: 10_000,
    run: () => generateScaleDataset({ customers: CUSTOMERS, usersPerCustomer: USERS_PER_CUSTOMER }),
    describe: (dataset) => `${dataset.users.length.toLocaleString('en')} users, ${dataset.invoices.length.toLocaleString('en')} invoices`,
  });
  results.push(generated);

  const store = await openPglite();
  const service = await buildService({ store, logger: false });
  results.push(
    await once({
      name: 'Scale data set seeded into PGlite',
      targetMs: 180_000,
      run: () => seedDatabase(store, { kind: 'scale', customers: CUSTOMERS, usersPerCustomer: USERS_PER_CUSTOMER }),
    }),
  );
  const url = await service.app.listen({ port: 0, host: '127.0.0.1' });
  const login = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'owner@northwind.example', password: 'seatdesk-demo' }),
  });
  const session = (await login.json()) as { accessToken: string; user: { orgId: string } };
  const auth = { authorization: `Bearer ${session.accessToken}` };

  const clientId = randomUUID();
  results.push(
    await once({
      name: 'Bootstrap pull of everything in a provider owner scope (pages of 1,000)',
      targetMs: 120_000,
      run: async () => {
        let cursor = 0;
        let rows = 0;
        for (;;) {
          const response = await fetch(`${url}/v1/sync/pull?cursor=${cursor}&limit=1000&clientId=${clientId}`, { headers: auth });
          const page = (await response.json()) as PullPage;
          rows += page.changes.length;
          cursor = page.cursor;
          if (!page.hasMore) return rows;
        }
      },
      describe: (rows, ms) => `${rows.toLocaleString('en')} rows, ${Math.round(rows / (ms / 1000)).toLocaleString('en')} rows/s`,
    }),
  );

  const customer = generated.result.orgs.find((org) => org.kind === 'customer')!;
  results.push(
    await latency({
      name: `GET users of a ${USERS_PER_CUSTOMER}-user customer`,
      p50TargetMs: 15,
      iterations: 200,
      warmup: 20,
      run: async () => (await fetch(`${url}/v1/orgs/${customer.id}/users`, { headers: auth })).arrayBuffer(),
    }),
  );
  await service.close();
  await store.close();
  return results;
}
