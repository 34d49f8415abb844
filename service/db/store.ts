import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { preparedQuery } from './pglite-statements';

/** A connection (or transaction) that runs parameterised SQL and answers rows. */
export interface Sql {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/** State kept per database handle (an instance's store, or a test's own), made on first use. */
export function perStore<T>(create: () => T): (sql: Sql) => T {
  const states = new WeakMap<Sql, T>();
  return (sql) => {
    let state = states.get(sql);
    if (state === undefined) {
      state = create();
      states.set(sql, state);
    }
    return state;
  };
}

/** Store.queryPrepared when `sql` is the store; a transaction's statements go as they are. */
export function queryHot<R = Record<string, unknown>>(sql: Sql, text: string, params: readonly unknown[]): Promise<R[]> {
  return 'queryPrepared' in sql ? (sql as Store).queryPrepared<R>(text, params) : sql.query<R>(text, params);
}

/**
 * What a write transaction may touch, for its lock: the provider trees (root organization ids,
 * service/db/trees.ts) whose synced rows it inserts, updates or deletes; [] for a write that
 * touches no synced row (refresh tokens, sync clients, the login limiter); EVERY_TREE for one
 * that may touch any (a billing run, seeding, migrations, and every write that names nothing).
 */
export type WriteTrees = readonly string[] | typeof EVERY_TREE;
export const EVERY_TREE = 'every tree';

/**
 * The service's one storage interface: PostgreSQL, or PGlite (embedded Postgres) by default.
 * Writes to one provider tree are serialised, so within a tree the change sequence a pull reads
 * is also the commit order (service/README.md, "Sequence order and the pull cursor").
 */
export interface Store extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /**
   * A write transaction holding the lock of each tree it names (EVERY_TREE when omitted: it then
   * waits for every other writer, as all writes did before). On PGlite, one connection, every
   * write runs alone anyway.
   */
  write<T>(fn: (tx: Sql) => Promise<T>, trees?: WriteTrees): Promise<T>;
  /**
   * A statement the service runs very often with the same text: prepared once per connection on
   * PostgreSQL, so it is parsed once and its plan kept. A pull page with 2,000 organizations in
   * scope was planned per call against each of the array's members (18 ms of planning for 8 ms
   * of work); every request's actor load spent 0.24 ms planning for 0.07 of work. Only for
   * statements whose generic plan is as good as a planned one. Answers as query does.
   */
  queryPrepared<R = Record<string, unknown>>(text: string, params: readonly unknown[]): Promise<R[]>;
  /** One consistent read snapshot (REPEATABLE READ) across several queries. */
  snapshot<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Advisory locks of writers (PostgreSQL). A tree's writer holds EVERY_TREE_LOCK shared and its
 * tree's lock exclusively; an EVERY_TREE writer holds EVERY_TREE_LOCK exclusively, so it waits
 * for all tree writers and they for it. Tree locks use the two-key form (TREE_LOCK_CLASS, a
 * 32-bit hash of the provider id), a space apart from the one-key locks: a hash collision only
 * makes two trees take turns.
 */
const EVERY_TREE_LOCK = 7_300_001;
const TREE_LOCK_CLASS = 7_300_003;

export function treeLockKey(providerId: string): number {
  return createHash('sha256').update(providerId).digest().readInt32BE(0);
}

/**
 * The statements that take a write's locks, as one script: EVERY_TREE_LOCK first, then the
 * tree keys in ascending order, so two writers naming several trees never wait on each other
 * in a cycle. Keys are integers computed here, so the script carries no client text.
 */
export function writeLockScript(trees: WriteTrees): string {
  if (trees === EVERY_TREE) return `SELECT pg_advisory_xact_lock(${EVERY_TREE_LOCK})`;
  if (trees.length === 0) return '';
  const keys = [...new Set(trees.map(treeLockKey))].sort((a, b) => a - b);
  return [`SELECT pg_advisory_xact_lock_shared(${EVERY_TREE_LOCK})`, ...keys.map((key) => `SELECT pg_advisory_xact_lock(${TREE_LOCK_CLASS}, ${key})`)].join(';\n');
}

/**
 * Sql over PGlite (the database or one of its transactions). A statement without parameters
 * goes through the simple query protocol, as node-postgres sends it: one call into PGlite
 * instead of the six (parse, describe, bind, describe, execute, sync) of a parameterised one,
 * which is most of the cost of a SAVEPOINT.
 */
function pgliteSql(db: Pick<Transaction, 'query' | 'exec'>, turn: () => Promise<void>): Sql {
  return {
    query: async (text, params) => {
      await turn();
      return (params === undefined || params.length === 0 ? ((await db.exec(text)).at(-1)?.rows ?? []) : (await db.query(text, params as unknown[])).rows) as never;
    },
  };
}

/**
 * PGlite runs each statement synchronously on this thread, and its queue of statements moves on
 * through promise continuations alone: while requests keep it busy, the event loop never reaches
 * its I/O phase, so a health check or a new connection waited seconds for the queue to drain.
 * Each statement first gives the loop a turn (setImmediate) once `sliceMs` have passed since the
 * last one, so I/O waits at most about one slice and one statement.
 */
export function eventLoopTurns(sliceMs = 10): () => Promise<void> {
  let sliceStarted = performance.now();
  return async () => {
    if (performance.now() - sliceStarted < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStarted = performance.now();
  };
}

/** pgliteSql for a write transaction, whose parameterised statements are prepared (see preparedQuery). */
function pgliteWriteSql(tx: Transaction, prepared: ReturnType<typeof preparedQuery>, turn: () => Promise<void>): Sql {
  const sql = pgliteSql(tx, turn);
  return {
    query: async (text, params) => {
      if (params === undefined || params.length === 0) return sql.query(text);
      await turn();
      return (await prepared(tx, text, params)) as never;
    },
  };
}

export async function openPglite(dataDir?: string): Promise<Store> {
  return pgliteStore(dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir));
}

/** The store over an open PGlite database (openPglite's; tests open theirs from a template, service/testing/pglite.ts). */
export function pgliteStore(db: PGlite): Store {
  const prepared = preparedQuery(db);
  const turn = eventLoopTurns();
  const reads = pgliteSql(db, turn);
  return {
    kind: 'pglite',
    query: reads.query,
    // PGlite plans in-process, and its write path already prepares (pglite-statements.ts).
    queryPrepared: (text, params) => reads.query(text, params),
    // PGlite is a single connection whose transactions already run one at a time.
    write: (fn) => db.transaction((tx) => fn(pgliteWriteSql(tx, prepared, turn))),
    snapshot: (fn) =>
      db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        return fn(pgliteSql(tx, turn));
      }),
    exec: async (script) => {
      await db.exec(script);
    },
    close: () => db.close(),
  };
}

export const DEFAULT_POOL_SIZE = 10;

/**
 * The connection string with `-c jit=off` added to its startup options (kept beside any options it
 * carries, such as a statement_timeout). PostgreSQL compiles a statement whose estimated cost
 * passes jit_above_cost (100,000 by default) with LLVM before running it; the service's statements
 * are short, and a pull page ran 15 ms after spending 119 ms compiling 220 functions.
 */
export function withJitOff(connectionString: string): string {
  const url = new URL(connectionString);
  const options = url.searchParams.get('options');
  url.searchParams.set('options', options === null || options.trim() === '' ? '-c jit=off' : `${options} -c jit=off`);
  return url.toString();
}

/** A prepared statement refused because a table it reads changed its columns since. */
function changedShape(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === '0A000' && /cached plan must not change result type/.test(error.message);
}

/** poolSize: connections this instance may hold (DATABASE_POOL_SIZE); its LISTEN connection is one more. */
export async function openPostgres(connectionString: string, poolSize = DEFAULT_POOL_SIZE): Promise<Store> {
  // int8 (counts, sequences) as numbers: they stay far below 2^53 here.
  pg.types.setTypeParser(20, (value: string) => Number(value));
  const pool = new pg.Pool({ connectionString: withJitOff(connectionString), max: poolSize });
  const run = (client: pg.Pool | pg.PoolClient): Sql['query'] =>
    (async (text: string, params?: readonly unknown[]) => (await client.query(text, params as unknown[])).rows) as Sql['query'];
  async function inTransaction<T>(begin: string, locks: string, fn: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      // The locks go with BEGIN in one round trip, before the transaction draws any seq.
      await client.query(locks === '' ? begin : `${begin};\n${locks}`);
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
  // Prepared statements' names: the text's hash and a generation. A statement that reads `*`
  // fixes its columns when prepared; once a migration (by another instance, in a rolling deploy)
  // changes a table it reads, PostgreSQL refuses it on every connection that kept it ("cached plan
  // must not change result type"): the generation moves on and the statement is prepared again.
  let generation = 0;
  const hashes = new Map<string, string>();
  const preparedName = (text: string) => {
    let hash = hashes.get(text);
    if (hash === undefined) {
      hash = createHash('sha256').update(text).digest('hex').slice(0, 24);
      hashes.set(text, hash);
    }
    return `seatdesk_${hash}_${generation}`;
  };
  return {
    kind: 'postgres',
    query: run(pool),
    queryPrepared: async (text, params) => {
      const execute = async () => (await pool.query({ name: preparedName(text), text, values: params as unknown[] })).rows as never;
      try {
        return await execute();
      } catch (error) {
        if (!changedShape(error)) throw error;
        generation += 1;
        return execute();
      }
    },
    write: (fn, trees = EVERY_TREE) => inTransaction('BEGIN', writeLockScript(trees), fn),
    snapshot: (fn) => inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', '', fn),
    exec: async (script) => {
      await pool.query(script);
    },
    close: () => pool.end(),
  };
}
