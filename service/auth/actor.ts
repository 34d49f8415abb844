import { SeatdeskError } from '@shared/errors';
import { effectivePermissions, type Permission } from '@shared/domain/permissions';
import type { User } from '@shared/domain/user';
import { perStore, queryHot, type Sql } from '../db/store';
import { toRole, toUser, type Row } from '../db/rows';
import type { AccessClaims } from './tokens';
import { orgIdsInSubtree } from '../reads/subtree';

/** The signed-in caller, with what they may do and where. */
export interface Actor {
  user: User;
  sessionId: string;
  /** Effective permissions; they apply in the actor's organization and every one below it. */
  permissions: readonly Permission[];
  /** The actor's organization and all its descendants. */
  scope: ReadonlySet<string>;
}

/**
 * What an actor is loaded from, as one text: the user row's seq, their roles' seqs, the
 * organization tree's latest seq and whether the session is live. Every insert and update of a
 * synced row takes a new seq (a trigger), so the key changes whenever anything loadActor reads
 * may have. `user` and `session` are SQL for the user id and the session (refresh-token family).
 */
export function actorKeySql(user: string, session: string): string {
  return `(SELECT concat_ws('|', u.seq,
       (SELECT string_agg(r.id || ':' || r.seq, ',' ORDER BY r.id) FROM roles r WHERE r.id = ANY (u.role_ids)),
       (SELECT max(seq) FROM orgs),
       EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = ${session} AND t.revoked_at IS NULL))
     FROM users u WHERE u.id = ${user})`;
}

/** The actor of user $1 in session $2 (see loadActor), built once. */
const LOAD_ACTOR = `SELECT u.*,
     (SELECT json_agg(r.permissions) FROM roles r WHERE r.id = ANY (u.role_ids) AND r.org_id = u.org_id) AS role_permissions,
     (SELECT max(seq) FROM orgs) AS orgs_seq,
     ${actorKeySql('$1', '$2')} AS actor_key
   FROM users u
   WHERE u.id = $1 AND u.status = 'active'
     AND EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = $2 AND t.user_id = u.id AND t.revoked_at IS NULL)`;

/** The key each actor was loaded with (in the same snapshot as the actor). */
const loadedKeys = new WeakMap<Actor, string>();

export function loadedKeyOf(actor: Actor): string | null {
  return loadedKeys.get(actor) ?? null;
}

/** A copy of an actor that carries its key (kept-actors.ts hands such copies out). */
export function copyOfActor(actor: Actor): Actor {
  const copy: Actor = { ...actor };
  const key = loadedKeys.get(actor);
  if (key !== undefined) loadedKeys.set(copy, key);
  return copy;
}

/**
 * Loads the actor for a verified access token; null when the user or session is gone, or when the
 * session (refresh-token family) is not the token's user's: a signature alone never lends one
 * user's session to another. One round trip: the user, their roles' permissions, the
 * organizations' latest seq (which says whether the kept scope still holds) and the actor's key
 * come in one query.
 */
export async function loadActor(sql: Sql, claims: AccessClaims): Promise<Actor | null> {
  const [userRow] = await queryHot<Row & { role_permissions: Permission[][] | null; orgs_seq: number | string | null; actor_key: string }>(
    sql,
    LOAD_ACTOR,
    [claims.sub, claims.sid],
  );
  if (userRow === undefined) return null;
  const user = toUser(userRow);
  const roles = (userRow.role_permissions ?? []).map((permissions) => ({ permissions }));
  const actor: Actor = {
    user,
    sessionId: claims.sid,
    permissions: effectivePermissions(roles, user.permissions),
    scope: await scopeOf(sql, user.orgId, Number(userRow.orgs_seq ?? 0)),
  };
  loadedKeys.set(actor, userRow.actor_key);
  return actor;
}

export async function permissionsAndScope(sql: Sql, user: User): Promise<{ permissions: Permission[]; scope: Set<string> }> {
  const roles = user.roleIds.length === 0 ? [] : (await sql.query<Row>('SELECT * FROM roles WHERE id = ANY($1::uuid[]) AND org_id = $2', [user.roleIds, user.orgId])).map(toRole);
  const [latest] = await sql.query<{ seq: number | string | null }>('SELECT max(seq) AS seq FROM orgs');
  return { permissions: effectivePermissions(roles, user.permissions), scope: await scopeOf(sql, user.orgId, Number(latest?.seq ?? 0)) };
}

/**
 * An organization and everything below it. Walking a large tree costs milliseconds on every
 * request, so the answer is kept per database handle until any organization row changes (every
 * insert and update takes a new seq, so max(seq) of orgs, read by the caller, moves).
 */
const scopeCache = perStore(() => new Map<string, { orgsSeq: number; scope: Set<string> }>());

async function scopeOf(sql: Sql, orgId: string, orgsSeq: number): Promise<Set<string>> {
  const cache = scopeCache(sql);
  const cached = cache.get(orgId);
  if (cached !== undefined && cached.orgsSeq === orgsSeq) return cached.scope;
  // The shared scope rule, walked by the database (service/reads/subtree.ts).
  const scope = new Set(await orgIdsInSubtree(sql, orgId));
  cache.set(orgId, { orgsSeq, scope });
  return scope;
}

/**
 * The scope rule at the door of every route: an organization outside the actor's scope answers
 * NOT_FOUND (existence is not leaked); inside it, a missing permission answers FORBIDDEN.
 */
export function authorize(actor: Actor, orgId: string, permission?: Permission): void {
  if (!actor.scope.has(orgId)) throw new SeatdeskError('NOT_FOUND', 'No such organization.');
  if (permission !== undefined && !actor.permissions.includes(permission)) {
    throw new SeatdeskError('FORBIDDEN', `This needs the ${permission} permission.`);
  }
}
