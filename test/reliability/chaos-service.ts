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

/**
 * Drops a database once its connections are gone. The pool's end() resolves before its sockets
 * have closed, and DROP ... WITH (FORCE) would cut them mid-goodbye (an uncaught 57P01 in the
 * pool's client); a plain DROP waits for them, FORCE only after a few seconds.
 */
async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      await onAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name}`));
      return;
    } catch (error) {
      // 55006: object_in_use (other sessions are still connected).
      if ((error as { code?: unknown }).code !== '55006') throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await onAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
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
        return listen(copy, () => dropDatabase(adminUrl, name));
      },
      close: () => dropDatabase(adminUrl, template),
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
