import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** A fresh, empty PostgreSQL database for one test on TEST_DATABASE_URL's server; drop() removes it. */
export interface FreshDatabase {
  url: string;
  name: string;
  /** A query on its own short-lived connection (for checks from outside the service). */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** A query on the server's admin database (works while this one refuses connections). */
  adminQuery<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Ends the sync listener connections of every instance on this database; answers how many. */
  killListeners(): Promise<number>;
  /** ALLOW_CONNECTIONS: while false no new connection is accepted (superusers included); open ones stay. */
  setConnectionsAllowed(allowed: boolean): Promise<void>;
  drop(): Promise<void>;
}

export function testDatabaseUrl(): string | undefined {
  return process.env['TEST_DATABASE_URL'] || undefined;
}

export async function createFreshDatabase(): Promise<FreshDatabase> {
  const adminUrl = testDatabaseUrl();
  if (adminUrl === undefined) throw new Error('TEST_DATABASE_URL is not set');
  const name = `seatdesk_test_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database: FreshDatabase = {
    url: url.toString(),
    name,
    async query(text, params) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query(text, params as unknown[])).rows;
      } finally {
        await client.end();
      }
    },
    async adminQuery(text, params) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        return (await client.query(text, params as unknown[])).rows;
      } finally {
        await client.end();
      }
    },
    async killListeners() {
      const rows = await database.adminQuery<{ killed: boolean }>(
        "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = $1 AND application_name = 'seatdesk sync listener'",
        [name],
      );
      return rows.filter((row) => row.killed).length;
    },
    async setConnectionsAllowed(allowed) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS ${allowed ? 'true' : 'false'}`);
      } finally {
        await client.end();
      }
    },
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // pg's pool.end() resolves before its connections have closed: a forced drop meanwhile
        // kills them mid-goodbye, and pg reports that as an unhandled error. Let them go first.
        for (let i = 0; i < 100; i += 1) {
          const [open] = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]).then((r) => r.rows);
          if (open?.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
  return database;
}
