import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** A fresh, empty PostgreSQL database for one test on TEST_DATABASE_URL's server; drop() removes it. */
export interface FreshDatabase {
  url: string;
  name: string;
  /** A query on its own short-lived connection (for checks from outside the service). */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
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
  return {
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
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
