/**
 * Login limiting that stops guessing without locking out the rightful user (DESIGN.md, "Security
 * rules"). Failures are counted on three keys, each with a free budget and then exponential
 * back-off (1 s, 2 s, 4 s ... up to 15 min between attempts):
 *
 * - the pair (account, address): one guesser at one account; small budget (5);
 * - the account, from any address: guessing spread over many addresses; budget 20;
 * - the address, for any account: one address trying many accounts; budget 50.
 *
 * An address that has signed in to an account before (a trusted pair) skips the account and
 * address keys and meets only its own pair's limit: an attacker guessing an admin's password,
 * or many passwords from a shared address, never locks out that admin on an address they use.
 * The price: while an account is under guessing from many addresses, its owner on a new address
 * waits out the back-off too (service/README.md).
 *
 * An allowed attempt stays in flight until failed(), succeeded() or released() settles it;
 * beyond a key's free budget only one attempt at a time is in flight, so parallel requests
 * cannot spend the back-off twice. State is bounded: each map holds at most `maxEntries` keys,
 * evicting the least recently touched, and a key idle for `idleMs` is forgotten.
 *
 * Two implementations of one interface: in memory per instance (PGlite, one instance), and in
 * PostgreSQL, shared by every instance (rate-limit-postgres.ts); both run limiterRules.
 */
export interface LoginKey {
  /** emailKey(email): the same for every spelling of one address. */
  account: string;
  /** The client's address as the service sees it. */
  address: string;
}

export type LoginDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginLimiter {
  /** Before any password is checked: allowed (now in flight), or refused with how long to wait. */
  attempt(key: LoginKey, nowMs: number): Promise<LoginDecision>;
  /** The password was wrong (or no such account: the same answer, so the same count). */
  failed(key: LoginKey, nowMs: number): Promise<void>;
  /** Signed in: the pair's failures are forgotten and the pair is trusted from now on. */
  succeeded(key: LoginKey, nowMs: number): Promise<void>;
  /** The attempt ended without a verdict on the password (a database error): not counted. */
  released(key: LoginKey, nowMs: number): Promise<void>;
}

export interface BackoffPolicy {
  /** Failures allowed before any waiting. */
  free: number;
  /** The wait after the first failure over budget; each further failure doubles it. */
  baseMs: number;
  maxMs: number;
}

export interface LoginLimiterOptions {
  pair: BackoffPolicy;
  account: BackoffPolicy;
  address: BackoffPolicy;
  /** A key with no failure for this long (and nothing in flight) is forgotten. */
  idleMs: number;
  /** How long a successful sign-in keeps its (account, address) pair trusted. */
  trustMs: number;
  /** The most keys each map (pairs, accounts, addresses, trusted pairs) holds. */
  maxEntries: number;
}

const MINUTE = 60_000;

export const DEFAULT_LOGIN_LIMITS: LoginLimiterOptions = {
  pair: { free: 5, baseMs: 1_000, maxMs: 15 * MINUTE },
  account: { free: 20, baseMs: 1_000, maxMs: 15 * MINUTE },
  address: { free: 50, baseMs: 1_000, maxMs: 15 * MINUTE },
  idleMs: 60 * MINUTE,
  trustMs: 90 * 24 * 60 * MINUTE,
  maxEntries: 20_000,
};

/** One key's failures and attempts in flight. */
export interface Counter {
  failures: number;
  inFlight: number;
  lastFailureMs: number;
  lastBeginMs: number;
}

/** An attempt in flight this long was never settled (a bug, a lost promise, a crashed instance): it stops counting. */
export const STALE_IN_FLIGHT_MS = 60_000;

/** One key space (pairs, accounts or addresses): failures with back-off, most recently touched last. */
export class BackoffMap {
  readonly entries = new Map<string, Counter>();

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly idleMs: number,
    private readonly maxEntries: number,
  ) {}

  private expired(counter: Counter, nowMs: number): boolean {
    return counter.inFlight === 0 && nowMs - counter.lastFailureMs > this.idleMs;
  }

  private live(key: string, nowMs: number): Counter | undefined {
    const counter = this.entries.get(key);
    if (counter !== undefined && counter.inFlight > 0 && nowMs - counter.lastBeginMs > STALE_IN_FLIGHT_MS) counter.inFlight = 0;
    if (counter !== undefined && this.expired(counter, nowMs)) {
      this.entries.delete(key);
      return undefined;
    }
    return counter;
  }

  /** Re-inserts the key as the most recent, forgets idle keys at the old end, and evicts over the cap. */
  private touch(key: string, counter: Counter, nowMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, counter);
    for (const [oldest, value] of this.entries) {
      if (this.entries.size <= this.maxEntries && !this.expired(value, nowMs)) break;
      this.entries.delete(oldest);
    }
  }

  /** How long the next attempt on this key must wait; 0 when it may go now. */
  waitMs(key: string, nowMs: number): number {
    const counter = this.live(key, nowMs);
    if (counter === undefined) return 0;
    const spent = counter.failures + counter.inFlight;
    if (spent < this.policy.free) return 0;
    // Over budget, one guess at a time: another one is still being checked.
    if (counter.inFlight > 0) return this.policy.baseMs;
    const over = counter.failures - this.policy.free;
    const delay = Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** Math.min(over, 40));
    return Math.max(0, counter.lastFailureMs + delay - nowMs);
  }

  begin(key: string, nowMs: number): void {
    const counter = this.live(key, nowMs) ?? { failures: 0, inFlight: 0, lastFailureMs: nowMs, lastBeginMs: nowMs };
    counter.inFlight += 1;
    counter.lastBeginMs = nowMs;
    this.touch(key, counter, nowMs);
  }

  /** Settles one in-flight attempt: counted as a failure, or not. */
  end(key: string, nowMs: number, failed: boolean): void {
    const counter = this.entries.get(key);
    if (counter === undefined) {
      // Evicted while in flight: a failure still counts from here.
      if (failed) this.touch(key, { failures: 1, inFlight: 0, lastFailureMs: nowMs, lastBeginMs: nowMs }, nowMs);
      return;
    }
    counter.inFlight = Math.max(0, counter.inFlight - 1);
    if (failed) {
      counter.failures += 1;
      counter.lastFailureMs = nowMs;
      this.touch(key, counter, nowMs);
    } else if (counter.failures === 0 && counter.inFlight === 0) {
      this.entries.delete(key);
    }
  }

  forget(key: string): void {
    const counter = this.entries.get(key);
    if (counter === undefined) return;
    if (counter.inFlight > 0) {
      counter.failures = 0;
    } else {
      this.entries.delete(key);
    }
  }
}

/** Pairs that signed in, with when; the least recently used is evicted over the cap. */
export class TrustedPairs {
  readonly entries = new Map<string, number>();

  constructor(
    private readonly trustMs: number,
    private readonly maxEntries: number,
  ) {}

  has(key: string, nowMs: number): boolean {
    const since = this.entries.get(key);
    if (since === undefined) return false;
    if (nowMs - since > this.trustMs) {
      this.entries.delete(key);
      return false;
    }
    return true;
  }

  add(key: string, nowMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, nowMs);
    for (const [oldest, since] of this.entries) {
      if (this.entries.size <= this.maxEntries && nowMs - since <= this.trustMs) break;
      this.entries.delete(oldest);
    }
  }
}

/** Everything a limiter knows: the three key spaces and the trusted pairs. */
export interface LimiterState {
  pairs: BackoffMap;
  accounts: BackoffMap;
  addresses: BackoffMap;
  trusted: TrustedPairs;
}

export function limiterState(options: LoginLimiterOptions): LimiterState {
  return {
    pairs: new BackoffMap(options.pair, options.idleMs, options.maxEntries),
    accounts: new BackoffMap(options.account, options.idleMs, options.maxEntries),
    addresses: new BackoffMap(options.address, options.idleMs, options.maxEntries),
    trusted: new TrustedPairs(options.trustMs, options.maxEntries),
  };
}

/** The pair's key; JSON keeps the two parts apart whatever characters they hold. */
export function pairKey(key: LoginKey): string {
  return JSON.stringify([key.account, key.address]);
}

/**
 * The limiter's rules over a state, synchronous: the in-memory limiter runs them on its own maps,
 * the PostgreSQL one (rate-limit-postgres.ts) on the rows of one sign-in's keys, under their locks.
 */
export const limiterRules = {
  attempt(state: LimiterState, key: LoginKey, nowMs: number): LoginDecision {
    const pair = pairKey(key);
    const waits = [state.pairs.waitMs(pair, nowMs)];
    if (!state.trusted.has(pair, nowMs)) waits.push(state.accounts.waitMs(key.account, nowMs), state.addresses.waitMs(key.address, nowMs));
    const waitMs = Math.max(...waits);
    if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    state.pairs.begin(pair, nowMs);
    state.accounts.begin(key.account, nowMs);
    state.addresses.begin(key.address, nowMs);
    return { allowed: true };
  },
  failed(state: LimiterState, key: LoginKey, nowMs: number): void {
    state.pairs.end(pairKey(key), nowMs, true);
    state.accounts.end(key.account, nowMs, true);
    state.addresses.end(key.address, nowMs, true);
  },
  succeeded(state: LimiterState, key: LoginKey, nowMs: number): void {
    const pair = pairKey(key);
    state.pairs.end(pair, nowMs, false);
    state.pairs.forget(pair);
    state.accounts.end(key.account, nowMs, false);
    state.addresses.end(key.address, nowMs, false);
    state.trusted.add(pair, nowMs);
  },
  released(state: LimiterState, key: LoginKey, nowMs: number): void {
    state.pairs.end(pairKey(key), nowMs, false);
    state.accounts.end(key.account, nowMs, false);
    state.addresses.end(key.address, nowMs, false);
  },
};

export interface InMemoryLoginLimiter extends LoginLimiter {
  /** How many keys each map holds now (for tests and metrics). */
  sizes(): { pairs: number; accounts: number; addresses: number; trusted: number };
}

/** The in-memory limiter, per instance: PGlite's (PostgreSQL shares one across instances, rate-limit-postgres.ts). */
export function createLoginLimiter(overrides: Partial<LoginLimiterOptions> = {}): InMemoryLoginLimiter {
  const state = limiterState({ ...DEFAULT_LOGIN_LIMITS, ...overrides });
  return {
    attempt: async (key, nowMs) => limiterRules.attempt(state, key, nowMs),
    failed: async (key, nowMs) => limiterRules.failed(state, key, nowMs),
    succeeded: async (key, nowMs) => limiterRules.succeeded(state, key, nowMs),
    released: async (key, nowMs) => limiterRules.released(state, key, nowMs),
    sizes: () => ({ pairs: state.pairs.entries.size, accounts: state.accounts.entries.size, addresses: state.addresses.entries.size, trusted: state.trusted.entries.size }),
  };
}
