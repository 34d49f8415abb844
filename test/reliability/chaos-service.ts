import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { buildService, type Service } from '../../service/app';
import { openPglite, openPostgres, type Store } from '../../service/db/store';
import { seedDatabase } from '../../service/seed/load';

/** A real billing service on 127.0.0.1, on its own copy of the migrated demo database. */
export interface ChaosService {
  url: string;
  store: Store;
  service: Service;
  close(): Promise<void>;
}

export interface ChaosServiceFactory {
  /** postgres (TEST_DATABASE_URL is set) or pglite. */
  readonly database: 'postgres' | 'pglite';
  start(): Promise<ChaosService>;
  /** Drops the template. */
  close(): Promise<void>;
}

async function onAdmin<T>(adminUrl: string, task: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Each seed starts from the same migrated, seeded demo database, copied from a template made
 * once per run: CREATE DATABASE ... TEMPLATE on PostgreSQL, a copy of the data folder on PGlite.
 * Seeding and a fresh PGlite cost seconds; a copy costs a few hundred milliseconds.
 */
export async function chaosServices(): Promise<ChaosServiceFactory> {
  const adminUrl = process.env['TEST_DATABASE_URL'];
  const listen = async (store: Store, drop: () => Promise<void>): Promise<ChaosService> => {
    const service = await buildService({ store, logger: false });
    const url = await service.app.listen({ port: 0, host: '127.0.0.1' });
    return {
      url,
      store,
      service,
      async close() {
        await service.close();
        await store.close();
        await drop();
      },
    };
  };

  if (adminUrl !== undefined && adminUrl !== '') {
    const template = `seatdesk_chaos_tpl_${randomUUID().replaceAll('-', '')}`;
    await onAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${template}`));
    const store = await openPostgres(databaseUrl(adminUrl, template));
    await migrateAndSeed(store);
    await store.close();
    return {
      database: 'postgres',
      async start() {
        const name = `seatdesk_chaos_${randomUUID().replaceAll('-', '')}`;
        await onAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
        const copy = await openPostgres(databaseUrl(adminUrl, name));
        return listen(copy, () => onAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined));
      },
      close: () => onAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)).then(() => undefined),
    };
  }

  const root = mkdtempSync(join(tmpdir(), 'seatdesk-chaos-db-'));
  const templateDir = join(root, 'template');
  const store = await openPglite(templateDir);
  await migrateAndSeed(store);
  await store.close();
  return {
    database: 'pglite',
    async start() {
      const dir = join(root, randomUUID());
      cpSync(templateDir, dir, { recursive: true });
      return listen(await openPglite(dir), async () => rmSync(dir, { recursive: true, force: true }));
    },
    async close() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function migrateAndSeed(store: Store): Promise<void> {
  const service = await buildService({ store, logger: false });
  await seedDatabase(store, { kind: 'demo' });
  await service.close();
}
