import { perStore, type Sql } from '../db/store';
import { actorKeySql, copyOfActor, loadedKeyOf, type Actor } from './actor';
import type { AccessClaims } from './tokens';

/**
 * Actors kept per database handle, by session, for the routes that confirm their actor in their
 * own statement (register.ts): such a request starts from the kept actor and saves the round trip
 * that loads it, which on a busy instance costs more than its SQL. The statement answers the
 * actor's key beside its rows (actorKeyColumn); an answer whose key is not the kept one is
 * thrown away (StaleActor) and the request runs again with the actor loaded afresh, as is any
 * refusal made with a kept actor. So an answer is always one the actor as of its statement may
 * have: a sign-out, deactivation, role edit or new organization applies to the very next request.
 */
const cacheOf = perStore(() => new Map<string, Actor>());
const MAX_KEPT_ACTORS = 10_000;
/** Actors handed out from the cache, with the key they were loaded with, until confirmed. */
const unconfirmed = new WeakMap<Actor, string>();

/** Thrown when a statement's actor key is not the kept actor's: the request must run again with a fresh actor. */
export class StaleActor extends Error {
  constructor() {
    super('The kept actor changed since it was loaded.');
  }
}

/** Keeps a freshly loaded actor for its session's later requests. */
export function keepActor(sql: Sql, actor: Actor): void {
  if (loadedKeyOf(actor) === null) return;
  const cache = cacheOf(sql);
  cache.delete(actor.sessionId);
  cache.set(actor.sessionId, actor);
  if (cache.size > MAX_KEPT_ACTORS) cache.delete(cache.keys().next().value!);
}

export function forgetActor(sql: Sql, sessionId: string): void {
  cacheOf(sql).delete(sessionId);
}

/** The kept actor of the token's session, as a copy to confirm (confirmActor); null when none is kept. */
export function keptActor(sql: Sql, claims: AccessClaims): Actor | null {
  const kept = cacheOf(sql).get(claims.sid);
  if (kept === undefined || kept.user.id !== claims.sub) return null;
  const actor = copyOfActor(kept);
  unconfirmed.set(actor, loadedKeyOf(kept)!);
  return actor;
}

/** SQL for a column `actor_key`: the actor's key, from the statement's parameters $n (user id) and $n+1 (session). */
export function actorKeyColumn(n: number): string {
  return `${actorKeySql(`$${n}`, `$${n + 1}`)} AS actor_key`;
}

/** The parameters actorKeyColumn reads. */
export function actorKeyParams(actor: Actor): [string, string] {
  return [actor.user.id, actor.sessionId];
}

/** Checks a statement's actor_key against the kept actor's (throws StaleActor); an actor loaded for this request needs none. */
export function confirmActor(actor: Actor, key: unknown): void {
  const expected = unconfirmed.get(actor);
  if (expected === undefined) return;
  if (key !== expected) throw new StaleActor();
  unconfirmed.delete(actor);
}

/** Whether the actor was loaded for this request, or taken from the cache and confirmed since. */
export function isConfirmed(actor: Actor): boolean {
  return !unconfirmed.has(actor);
}
