import type { z } from 'zod';
import { effectivePermissions, type Permission } from '@shared/domain/permissions';
import type { User, UserStatus } from '@shared/domain/user';
import { userListQuerySchema, type UserListQuery, type UserPage, type UserRow, type UserSortField } from '@shared/ipc/models';
import type { CacheDatabase } from '../db/open';
import { resolveScope, type ResolvedScope } from './scope';
import { all, entityOf, lookupId, memoized, one, parseQuery, pendingSql } from './sql';

/**
 * An FTS5 query from what someone typed: each whitespace-separated word becomes a quoted string
 * with a prefix star, all of them required. Quoting makes every character literal (FTS5 syntax
 * such as `-`, `*`, `:`, `(`, AND/OR/NOT and NEAR means nothing inside quotes, and a quote is
 * doubled); the tokenizer then splits the word as it split the indexed text, so "o'bri" finds
 * O'Brien and "jan.smit@" finds jan.smit@... Words with no letter or digit would be empty
 * strings, which match nothing, so they are left out. Null when nothing searchable is left.
 */
export function ftsPrefixQuery(text: string): string | null {
  const words = text.split(/\s+/u).filter((word) => /[\p{L}\p{N}]/u.test(word));
  if (words.length === 0) return null;
  return words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(' ');
}

/**
 * Names in the order people read them: by sort_key (db/sort-key.ts: accents and case folded, so
 * "Ávila" is with the A names), then as written; the users_sort_name index holds this order.
 */
const nameOrder = (d: 'ASC' | 'DESC') =>
  `sort_key(u.last_name) ${d}, sort_key(u.first_name) ${d}, u.last_name COLLATE NOCASE ${d}, u.first_name COLLATE NOCASE ${d}, u.email COLLATE NOCASE ${d}`;
const NAME_ASC = nameOrder('ASC');

function orderBy(sort: UserSortField, direction: 'asc' | 'desc'): string {
  const d = direction === 'desc' ? 'DESC' : 'ASC';
  switch (sort) {
    case 'name':
      return `${nameOrder(d)}, u.id`;
    case 'email':
      return `u.email COLLATE NOCASE ${d}, u.id`;
    case 'status':
      return `u.status ${d}, ${NAME_ASC}, u.id`;
    case 'lastActiveAt':
      // Never-active users last in both directions: "most recent first" should not open on blanks.
      return `json_extract(u.data, '$.lastActiveAt') IS NULL, json_extract(u.data, '$.lastActiveAt') ${d}, ${NAME_ASC}, u.id`;
    case 'organization':
      return `sort_key(o.name) ${d}, o.name COLLATE NOCASE ${d}, o.id, ${NAME_ASC}, u.id`;
  }
}

interface UserLine {
  id: string;
  data: string;
  org_name: string;
  pending: number;
}

const toUserRow = (line: UserLine): UserRow => ({ ...entityOf<User>(line.data), orgName: line.org_name, pending: line.pending === 1 });

/** Users in scope by status: the seat count and the totals of unfiltered pages, without a count query. */
type StatusCounts = Record<UserStatus, number>;

function statusCounts(db: CacheDatabase, scope: ResolvedScope, key: string): StatusCounts {
  return memoized(db, `user-counts:${key}`, () => {
    const counts: StatusCounts = { pending: 0, active: 0, deactivated: 0 };
    if (scope.orgIds.length === 0) return counts;
    // users_org_status holds each user's status: counting from it never parses a row's JSON.
    const rows = all<{ status: UserStatus; n: number }>(
      db,
      `SELECT status, count(*) AS n FROM users INDEXED BY users_org_status
       ${scope.whole ? '' : 'WHERE org_id IN (SELECT value FROM json_each(?))'} GROUP BY status`,
      scope.whole ? [] : [scope.json],
    );
    for (const row of rows) if (row.status in counts) counts[row.status] = row.n;
    return counts;
  });
}

/**
 * Above this many users in scope the query is steered by hand (below it SQLite's own plan is
 * fast whatever it picks): SQLite cannot see how many users an FTS match or a scope holds, and
 * picks badly both for a one-letter prefix over 100,000 users and for a customer of fifty.
 */
const WIDE_SCOPE_USERS = 2_000;

export type UsersQueryPlan =
  /** From the scope's organizations (users_org_status), each user checked against the rest. */
  | 'scope'
  /** From the text index's matches, each checked for scope and filters, then sorted. */
  | 'matches'
  /** Along the sort's own index, stopping at the page: no sort at all. */
  | 'walk';

/** Relative costs, measured over 100,000 users: a step along an index, and a row lookup with its sort key. */
const INDEX_STEP = 1;
const WALK_STEP = 2;
const ROW_LOOKUP = 6;

interface PlanInput {
  wide: boolean;
  sortIndexed: boolean;
  roleFilter: boolean;
  /** Users the text matches in the whole cache; null without text. */
  matches: number | null;
  /** offset + limit: how far down the order the page ends. */
  reach: number;
  usersInCache: number;
  usersInScope: number;
  /** The total is known without counting (whole cache, text filter only). */
  totalKnown: boolean;
}

/**
 * Starting from the matches costs a row lookup and sort key each, and counts for free on the way.
 * Walking the sort's index costs about reach × users / matches steps until the page is full (each
 * checked against the matches), plus counting the total apart when it is not already known: from
 * the scope's index entries or from the matches, whichever is fewer.
 */
function choosePlan(input: PlanInput): UsersQueryPlan {
  if (!input.wide || input.roleFilter) return 'scope';
  if (input.matches === null) return input.sortIndexed ? 'walk' : 'scope';
  if (!input.sortIndexed) return 'matches';
  const fromMatches = input.matches * ROW_LOOKUP;
  const counting = input.totalKnown ? 0 : Math.min(input.usersInScope * INDEX_STEP, fromMatches);
  const walking = ((input.reach * input.usersInCache) / input.matches) * WALK_STEP + counting;
  return walking < fromMatches ? 'walk' : 'matches';
}

const usersQuerySchema = userListQuerySchema.extend({ orgId: lookupId, roleId: lookupId.optional() });

type QueryShape =
  | { kind: 'empty'; activeCount: number }
  | {
      kind: 'query';
      q: z.output<typeof usersQuerySchema>;
      scope: ResolvedScope;
      counts: StatusCounts;
      inScope: number;
      match: string | null;
      matches: number | null;
      onlyText: boolean;
      plan: UsersQueryPlan;
    };

/** What a users query amounts to before it runs: its scope, counts, text match and plan. */
function shapeOf(db: CacheDatabase, query: UserListQuery): QueryShape {
  const q = parseQuery(usersQuerySchema, query);
  const scope = resolveScope(db, q);
  if (scope.orgIds.length === 0) return { kind: 'empty', activeCount: 0 };
  const counts = statusCounts(db, scope, `${q.orgId}:${q.includeChildren}`);
  const inScope = counts.pending + counts.active + counts.deactivated;
  const match = q.q === undefined ? null : ftsPrefixQuery(q.q);
  const matches = match === null ? null : (one<{ n: number }>(db, 'SELECT count(*) AS n FROM users_fts WHERE users_fts MATCH ?', [match])?.n ?? 0);
  if (matches === 0) return { kind: 'empty', activeCount: counts.active };
  const usersInCache = memoized(db, 'user-count', () => one<{ n: number }>(db, 'SELECT count(*) AS n FROM users')?.n ?? 0);
  const onlyText = q.status === undefined && q.roleId === undefined;
  const plan = choosePlan({
    wide: inScope > WIDE_SCOPE_USERS,
    sortIndexed: q.sort === 'name' || q.sort === 'email',
    roleFilter: q.roleId !== undefined,
    matches,
    reach: q.offset + q.limit,
    usersInCache,
    usersInScope: inScope,
    totalKnown: scope.whole && onlyText,
  });
  return { kind: 'query', q, scope, counts, inScope, match, matches, onlyText, plan };
}

/** How listUsers would run this query (null when it needs no query at all): for tests and tuning. */
export function usersQueryPlan(db: CacheDatabase, query: UserListQuery): UsersQueryPlan | null {
  const shape = shapeOf(db, query);
  return shape.kind === 'empty' ? null : shape.plan;
}

interface UsersStatements {
  pageSql: string;
  countSql: string;
  params: Record<string, unknown>;
  /** The total when it is known without counting: the counts by status, or every match. */
  known: number | null;
  /** The page query counts the total with a window function on the way. */
  windowCount: boolean;
}

function statementsFor(shape: Extract<QueryShape, { kind: 'query' }>): UsersStatements {
  const { q, scope, counts, inScope, match, matches, onlyText, plan } = shape;
  // A leading + keeps SQLite from driving the query from that term, so the chosen one leads.
  const whereLedBy = (leader: UsersQueryPlan) => {
    const terms = [
      ...(scope.whole ? [] : [`${leader === 'scope' ? '' : '+'}u.org_id IN (SELECT value FROM json_each(@orgIds))`]),
      ...(q.status === undefined ? [] : ['u.status = @status']),
      ...(q.roleId === undefined ? [] : ['u.id IN (SELECT r.user_id FROM user_roles r WHERE r.role_id = @roleId)']),
      ...(match === null ? [] : [`${leader === 'matches' ? '' : '+'}u.rowid IN (SELECT rowid FROM users_fts WHERE users_fts MATCH @match)`]),
    ];
    return terms.length === 0 ? '' : `WHERE ${terms.join(' AND ')}`;
  };
  const params: Record<string, unknown> = {
    ...(scope.whole ? {} : { orgIds: scope.json }),
    ...(q.status === undefined ? {} : { status: q.status }),
    ...(q.roleId === undefined ? {} : { roleId: q.roleId }),
    ...(match === null ? {} : { match }),
  };
  const known = match === null && q.roleId === undefined ? (q.status === undefined ? inScope : counts[q.status]) : scope.whole && onlyText ? matches : null;
  const walk = plan === 'walk' ? `INDEXED BY ${q.sort === 'name' ? 'users_sort_name' : 'users_email'}` : '';
  const join = q.sort === 'organization' ? 'JOIN organizations o ON o.id = u.org_id' : '';
  // A window count rides on a sort that reads every match anyway; a walk stops early, so counts apart.
  const windowCount = known === null && plan !== 'walk';
  // Counting from the scope reads only index entries (each checked against the matches); from the
  // matches costs a row lookup each.
  const countFromScope = match === null || (!scope.whole && inScope * INDEX_STEP < (matches ?? 0) * ROW_LOOKUP);
  return {
    // Ids only: carrying each row's JSON through the sort made a wide scope several times slower.
    pageSql: `SELECT u.id, ${windowCount ? 'count(*) OVER ()' : 'NULL'} AS total
     FROM users u ${walk} ${join}
     ${whereLedBy(plan)}
     ORDER BY ${orderBy(q.sort, q.direction)}
     LIMIT @limit OFFSET @offset`,
    countSql: `SELECT count(*) AS n FROM users u ${whereLedBy(countFromScope ? 'scope' : 'matches')}`,
    params,
    known,
    windowCount,
  };
}

/**
 * A page of the users screen. Filters (status, role, text) narrow `items` and `total`;
 * `activeCount` is the billed seats of the whole scope whatever the filters. The text filter goes
 * through users_fts (prefix match of each typed word over first name, last name and email); the
 * other filters and sorts use the generated columns and their indexes. See README.md for how the
 * query is planned to stay fast over 100,000 users.
 */
export function listUsers(db: CacheDatabase, query: UserListQuery): UserPage {
  const shape = shapeOf(db, query);
  if (shape.kind === 'empty') return { items: [], total: 0, activeCount: shape.activeCount };
  const { q, counts } = shape;
  const { pageSql, countSql, params, known, windowCount } = statementsFor(shape);

  // Two steps: order the matches carrying only their ids, then read the page's rows.
  const page = all<{ id: string; total: number | null }>(db, pageSql, { ...params, limit: q.limit, offset: q.offset });
  const counted = () => one<{ n: number }>(db, countSql, params)?.n ?? 0;
  const total = known ?? (windowCount ? (page[0]?.total ?? (q.offset === 0 ? 0 : counted())) : counted());

  const lines = new Map(
    all<UserLine>(
      db,
      `SELECT u.id, u.data, o.name AS org_name, ${pendingSql('user', 'u')} AS pending
       FROM users u JOIN organizations o ON o.id = u.org_id
       WHERE u.id IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(page.map((row) => row.id))],
    ).map((line) => [line.id, line]),
  );
  const items = page.flatMap((row) => {
    const line = lines.get(row.id);
    return line === undefined ? [] : [toUserRow(line)];
  });
  return { items, total, activeCount: counts.active };
}

/** SQLite's EXPLAIN QUERY PLAN of the page query listUsers would run: for tests and tuning. */
export function explainListUsers(db: CacheDatabase, query: UserListQuery): string[] {
  const shape = shapeOf(db, query);
  if (shape.kind === 'empty') return [];
  const { pageSql, params } = statementsFor(shape);
  return (db.prepare(`EXPLAIN QUERY PLAN ${pageSql}`).all({ ...params, limit: shape.q.limit, offset: shape.q.offset }) as { detail: string }[]).map(
    (row) => row.detail,
  );
}

/** One user with their organization's name, or null when the cache has no such user. */
export function getUser(db: CacheDatabase, userId: string): UserRow | null {
  const line = one<UserLine>(
    db,
    `SELECT u.id, u.data, o.name AS org_name, ${pendingSql('user', 'u')} AS pending
     FROM users u JOIN organizations o ON o.id = u.org_id
     WHERE u.id = ?`,
    [userId],
  );
  return line === undefined ? null : toUserRow(line);
}

/**
 * The organization's active users who may see billing (billing.view through a role or
 * individually): the people the billing contact picker offers. By name.
 */
export function billingViewers(db: CacheDatabase, orgId: string): User[] {
  const rolePermissions = new Map(
    all<{ id: string; data: string }>(db, 'SELECT id, data FROM roles WHERE org_id = ?', [orgId]).map((row) => [
      row.id,
      entityOf<{ permissions: Permission[] }>(row.data).permissions,
    ]),
  );
  return all<{ data: string }>(db, `SELECT u.data FROM users u WHERE u.org_id = ? AND u.status = 'active' ORDER BY ${NAME_ASC}, u.id`, [orgId])
    .map((row) => entityOf<User>(row.data))
    .filter((user) => {
      const roles = user.roleIds.flatMap((roleId) => {
        const permissions = rolePermissions.get(roleId);
        return permissions === undefined ? [] : [{ permissions }];
      });
      return effectivePermissions(roles, user.permissions).includes('billing.view');
    });
}
