import type { Sql, Store } from '../db/store';
import {
  DEFAULT_LOGIN_LIMITS,
  STALE_IN_FLIGHT_MS,
  limiterRules,
  limiterState,
  pairKey,
  type Counter,
  type LimiterState,
  type LoginKey,
  type LoginLimiter,
  type LoginLimiterOptions,
} from './rate-limit';

/**
 * The login limiter on PostgreSQL, shared by every instance (migration 4, login_limits): the same
 * rules as the in-memory one (limiterRules), run on the rows of one sign-in's four keys (its pair,
 * account, address and trusted pair) inside a transaction that holds an advisory lock per key, so
 * that parallel sign-ins on any instance take turns on a key and cannot spend the back-off twice.
 *
 * Rows are pruned on write: at most once per `pruneEveryMs` of the service clock, an attempt
 * first deletes rows past their expiry (idle keys, old trusted pairs) and trims each kind to
 * `maxEntries`, the least recently touched going first. Between prunes a kind may exceed its cap.
 */
export interface PostgresLoginLimiter extends LoginLimiter {
  /** Deletes expired rows and trims each kind to its cap; answers how many rows it deleted. */
  prune(nowMs: number): Promise<number>;
  /** How many rows each kind holds now (for tests and metrics). */
  sizes(): Promise<{ pairs: number; accounts: number; addresses: number; trusted: number }>;
}

export interface PostgresLimiterTuning {
  /** Attempts prune at most this often (service clock). */
  pruneEveryMs: number;
}

const KINDS = ['pair', 'account', 'address', 'trusted'] as const;
type Kind = (typeof KINDS)[number];

/** Advisory lock class of limiter keys (two-key form; the write locks are 7_300_001 to 7_300_003). */
const LIMIT_LOCK_CLASS = 7_300_004;

interface LimitRow {
  kind: Kind;
  key: string;
  failures: number;
  in_flight: number;
  last_failure_ms: number;
  last_begin_ms: number;
  touched_ms: number;
  expires_ms: number;
}

/** A 32-bit key for a limiter key's advisory lock (Java's String.hashCode: cheap and stable). */
function lockKey(kind: Kind, key: string): number {
  const text = `${kind}\u0000${key}`;
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

function counterRow(kind: Kind, key: string, counter: Counter, options: LoginLimiterOptions): LimitRow {
  // Forgotten when idle (BackoffMap's expiry), but not while an attempt is in flight and fresh.
  const idleEnd = counter.lastFailureMs + options.idleMs;
  const expires = counter.inFlight > 0 ? Math.max(idleEnd, counter.lastBeginMs + STALE_IN_FLIGHT_MS) : idleEnd;
  return {
    kind,
    key,
    failures: counter.failures,
    in_flight: counter.inFlight,
    last_failure_ms: counter.lastFailureMs,
    last_begin_ms: counter.lastBeginMs,
    touched_ms: Math.max(counter.lastFailureMs, counter.lastBeginMs),
    expires_ms: expires,
  };
}

/** The rows a state holds for the given keys (absent: no row). */
function rowsOf(state: LimiterState, names: readonly (readonly [Kind, string])[], options: LoginLimiterOptions): Map<string, LimitRow> {
  const rows = new Map<string, LimitRow>();
  for (const [kind, key] of names) {
    if (kind === 'trusted') {
      const since = state.trusted.entries.get(key);
      if (since !== undefined) {
        rows.set(`${kind}:${key}`, { kind, key, failures: 0, in_flight: 0, last_failure_ms: since, last_begin_ms: since, touched_ms: since, expires_ms: since + options.trustMs });
      }
      continue;
    }
    const map = kind === 'pair' ? state.pairs : kind === 'account' ? state.accounts : state.addresses;
    const counter = map.entries.get(key);
    if (counter !== undefined) rows.set(`${kind}:${key}`, counterRow(kind, key, counter, options));
  }
  return rows;
}

const sameRow = (a: LimitRow, b: LimitRow) => (Object.keys(a) as (keyof LimitRow)[]).every((field) => a[field] === b[field]);

export function createPostgresLoginLimiter(store: Store, overrides: Partial<LoginLimiterOptions> = {}, tuning: Partial<PostgresLimiterTuning> = {}): PostgresLoginLimiter {
  const options = { ...DEFAULT_LOGIN_LIMITS, ...overrides };
  const pruneEveryMs = tuning.pruneEveryMs ?? 60_000;
  // The rules run on the rows of one sign-in: no eviction there, the cap is the prune's.
  const perSignIn = { ...options, maxEntries: Number.MAX_SAFE_INTEGER };
  let lastPruneMs = Number.NEGATIVE_INFINITY;

  /** Loads the key's rows under their locks, applies one rule, and writes back what changed. */
  function withKeys<T>(key: LoginKey, rule: (state: LimiterState) => T): Promise<T> {
    const pair = pairKey(key);
    const names: (readonly [Kind, string])[] = [
      ['pair', pair],
      ['account', key.account],
      ['address', key.address],
      ['trusted', pair],
    ];
    return store.write(async (tx: Sql) => {
      // Ascending, deduplicated: two sign-ins never wait on each other's keys in a cycle.
      const keys = [...new Set(names.map(([kind, name]) => lockKey(kind, name)))].sort((a, b) => a - b);
      await tx.query(keys.map((k) => `SELECT pg_advisory_xact_lock(${LIMIT_LOCK_CLASS}, ${k})`).join(';\n'));
      const loaded = await tx.query<LimitRow>(
        `SELECT l.* FROM login_limits l JOIN unnest($1::text[], $2::text[]) AS k(kind, key) ON l.kind = k.kind AND l.key = k.key`,
        [names.map(([kind]) => kind), names.map(([, name]) => name)],
      );
      const state = limiterState(perSignIn);
      for (const row of loaded) {
        if (row.kind === 'trusted') state.trusted.entries.set(row.key, Number(row.last_begin_ms));
        else {
          const map = row.kind === 'pair' ? state.pairs : row.kind === 'account' ? state.accounts : state.addresses;
          map.entries.set(row.key, { failures: row.failures, inFlight: row.in_flight, lastFailureMs: Number(row.last_failure_ms), lastBeginMs: Number(row.last_begin_ms) });
        }
      }
      const before = rowsOf(state, names, options);
      const result = rule(state);
      const after = rowsOf(state, names, options);
      const gone = [...before.keys()].filter((name) => !after.has(name)).map((name) => before.get(name)!);
      const changed = [...after.entries()].filter(([name, row]) => before.get(name) === undefined || !sameRow(before.get(name)!, row)).map(([, row]) => row);
      if (gone.length > 0 || changed.length > 0) {
        await tx.query(
          `WITH gone AS (
             DELETE FROM login_limits l USING unnest($1::text[], $2::text[]) AS g(kind, key) WHERE l.kind = g.kind AND l.key = g.key
           )
           INSERT INTO login_limits (kind, key, failures, in_flight, last_failure_ms, last_begin_ms, touched_ms, expires_ms)
           SELECT kind, key, failures, in_flight, last_failure_ms, last_begin_ms, touched_ms, expires_ms
             FROM jsonb_to_recordset($3::jsonb) AS r(kind text, key text, failures integer, in_flight integer,
                  last_failure_ms bigint, last_begin_ms bigint, touched_ms bigint, expires_ms bigint)
           ON CONFLICT (kind, key) DO UPDATE SET failures = excluded.failures, in_flight = excluded.in_flight,
             last_failure_ms = excluded.last_failure_ms, last_begin_ms = excluded.last_begin_ms,
             touched_ms = excluded.touched_ms, expires_ms = excluded.expires_ms`,
          [gone.map((row) => row.kind), gone.map((row) => row.key), JSON.stringify(changed)],
        );
      }
      return result;
    }, []);
  }

  async function prune(nowMs: number): Promise<number> {
    lastPruneMs = nowMs;
    const expired = await store.query<{ n: number }>(
      'WITH gone AS (DELETE FROM login_limits WHERE expires_ms < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
      [nowMs],
    );
    let deleted = expired[0]?.n ?? 0;
    for (const kind of KINDS) {
      const trimmed = await store.query<{ n: number }>(
        `WITH gone AS (
           DELETE FROM login_limits WHERE kind = $1 AND touched_ms <= (
             SELECT touched_ms FROM login_limits WHERE kind = $1 ORDER BY touched_ms DESC OFFSET $2 LIMIT 1)
           RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [kind, options.maxEntries],
      );
      deleted += trimmed[0]?.n ?? 0;
    }
    return deleted;
  }

  return {
    async attempt(key, nowMs) {
      if (nowMs - lastPruneMs >= pruneEveryMs) await prune(nowMs);
      return withKeys(key, (state) => limiterRules.attempt(state, key, nowMs));
    },
    failed: (key, nowMs) => withKeys(key, (state) => limiterRules.failed(state, key, nowMs)),
    succeeded: (key, nowMs) => withKeys(key, (state) => limiterRules.succeeded(state, key, nowMs)),
    released: (key, nowMs) => withKeys(key, (state) => limiterRules.released(state, key, nowMs)),
    prune,
    async sizes() {
      const rows = await store.query<{ kind: Kind; n: number }>('SELECT kind, count(*)::int AS n FROM login_limits GROUP BY kind');
      const count = (kind: Kind) => rows.find((row) => row.kind === kind)?.n ?? 0;
      return { pairs: count('pair'), accounts: count('account'), addresses: count('address'), trusted: count('trusted') };
    },
  };
}
