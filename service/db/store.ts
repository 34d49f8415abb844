import { PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { preparedQuery } from './pglite-statements';

/** A connection (or transaction) that runs parameterised SQL and answers rows. */
export interface Sql {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/**
 * The service's one storage interface: PostgreSQL, or PGlite (embedded Postgres) by default.
 * Writes are serialised, so the change sequence a pull reads is also the commit order.
 */
export interface Store extends Sql {
  readonly kind: 'pglite' | 'postgres';
  write<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** One consistent read snapshot (REPEATABLE READ) across several queries. */
  snapshot<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

// One lock id for all writers; see Store.
const WRITE_LOCK = 7_300_001;

/**
 * Sql over PGlite (the database or one of its transactions). A statement without parameters
 * goes through the simple query protocol, as node-postgres sends it: one call into PGlite
 * instead of the six (parse, describe, bind, describe, execute, sync) of a parameterised one,
 * which is most of the cost of a SAVEPOINT.
 */
function pgliteSql(db: Pick<Transaction, 'query' | 'exec'>): Sql {
  return {
    query: async (text, params) =>
      (params === undefined || params.length === 0 ? ((await db.exec(text)).at(-1)?.rows ?? []) : (await db.query(text, params as unknown[])).rows) as never,
  };
}

/** pgliteSql for a write transaction, whose parameterised statements are prepared (see preparedQuery). */
function pgliteWriteSql(tx: Transaction, prepared: ReturnType<typeof preparedQuery>): Sql {
  const sql = pgliteSql(tx);
  return {
    query: async (text, params) => (params === undefined || params.length === 0 ? sql.query(text) : ((await prepared(tx, text, params)) as never)),
  };
}

export async function openPglite(dataDir?: string): Promise<Store> {
  const db = dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir);
  const prepared = preparedQuery(db);
  return {
    kind: 'pglite',
    query: pgliteSql(db).query,
    // PGlite is a single connection whose transactions already run one at a time.
    write: (fn) => db.transaction((tx) => fn(pgliteWriteSql(tx, prepared))),
    snapshot: (fn) =>
      db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        return fn(pgliteSql(tx));
      }),
    exec: async (script) => {
      await db.exec(script);
    },
    close: () => db.close(),
  };
}

export async function openPostgres(connectionString: string): Promise<Store> {
  // int8 (counts, sequences) as numbers: they stay far below 2^53 here.
  pg.types.setTypeParser(20, (value: string) => Number(value));
  const pool = new pg.Pool({ connectionString, max: 10 });
  const run = (client: pg.Pool | pg.PoolClient): Sql['query'] =>
    (async (text: string, params?: readonly unknown[]) => (await client.query(text, params as unknown[])).rows) as Sql['query'];
  async function inTransaction<T>(begin: string, lock: boolean, fn: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query(begin);
      if (lock) await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      const result = await fn({ query: run(client) });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  return {
    kind: 'postgres',
    query: run(pool),
    write: (fn) => inTransaction('BEGIN', true, fn),
    snapshot: (fn) => inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', false, fn),
    exec: async (script) => {
      await pool.query(script);
    },
    close: () => pool.end(),
  };
}
