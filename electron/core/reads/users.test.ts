import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectivePermissions, type Permission } from '@shared/domain/permissions';
import type { User } from '@shared/domain/user';
import type { UserListQuery, UserRow } from '@shared/ipc/models';
import { startDemoCache, type DemoCache, editRow } from '../../../test/support/cache-fixture';
import Database from 'better-sqlite3';
import { EntityRows } from '../cache/rows';
import { billingViewers, explainListUsers, ftsPrefixQuery, getUser, listUsers, usersQueryPlan, type UsersQueryPlan } from './users';
import { nameSortKey, sqlSortKey } from '../db/sort-key';

let cache: DemoCache;
let orgs: { id: string; name: string; parentId: string | null }[];
beforeAll(async () => {
  cache = await startDemoCache();
  orgs = (await cache.get('/v1/orgs')).items;
});
afterAll(async () => {
  await cache?.close();
});

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const ids = (users: readonly { id: string }[]) => users.map((user) => user.id).sort();
const everything = (query: UserListQuery) => listUsers(cache.db, { limit: 1000, ...query });

/** What users_fts should find, modelled in plain code: each typed word a phrase whose last token is a prefix. */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const tokens = (text: string) => fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
function matches(user: User, q: string): boolean {
  const words = q.split(/\s+/u).filter((word) => /[\p{L}\p{N}]/u.test(word));
  return words.every((word) => {
    const phrase = tokens(word);
    return [user.firstName, user.lastName, user.email].some((column) => {
      const found = tokens(column);
      return found.some((_, start) =>
        phrase.every((token, j) => (j === phrase.length - 1 ? (found[start + j] ?? '').startsWith(token) : found[start + j] === token)),
      );
    });
  });
}

/** SQLite's NOCASE: only ASCII letters fold. */
const nocase = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('listUsers against the service', () => {
  it('lists the users and active seats of every organization as GET /v1/orgs/:orgId/users does', async () => {
    for (const org of orgs) {
      const rest = await cache.get(`/v1/orgs/${org.id}/users`);
      const page = everything({ orgId: org.id });
      expect(ids(page.items), org.name).toEqual(ids(rest.items));
      expect(page.total).toBe(rest.items.length);
      expect(page.activeCount).toBe(rest.activeCount);
      expect(page.items.every((user) => user.orgName === org.name && user.pending === false)).toBe(true);
      // The rows are the service's users, field for field.
      const byId = new Map(page.items.map((user) => [user.id, user]));
      for (const user of rest.items as User[]) expect(byId.get(user.id)).toEqual({ ...user, orgName: org.name, pending: false });
    }
  });

  it('filters by status as ?status= does, and keeps activeCount for the whole scope', async () => {
    const org = orgs.find((o) => o.name === 'Alpine Ski House')!;
    const rest = await cache.get(`/v1/orgs/${org.id}/users`);
    for (const status of ['pending', 'active', 'deactivated'] as const) {
      const filtered = await cache.get(`/v1/orgs/${org.id}/users?status=${status}`);
      const page = everything({ orgId: org.id, status });
      expect(ids(page.items), status).toEqual(ids(filtered.items));
      expect(page.total).toBe(filtered.items.length);
      expect(page.activeCount).toBe(rest.activeCount);
    }
    expect(everything({ orgId: org.id, status: 'pending' }).total).toBeGreaterThan(0);
  });

  it('includes every organization below with includeChildren, each user with their company', async () => {
    const fabrikam = orgs.find((o) => o.name === 'Fabrikam IT Partners')!;
    const family = orgs.filter((o) => o.id === fabrikam.id || o.parentId === fabrikam.id);
    expect(family.length).toBe(3);
    const rests = await Promise.all(family.map((o) => cache.get(`/v1/orgs/${o.id}/users`)));
    const page = everything({ orgId: fabrikam.id, includeChildren: true });
    expect(ids(page.items)).toEqual(rests.flatMap((rest) => rest.items as User[]).map((u) => u.id).sort());
    expect(page.activeCount).toBe(rests.reduce((sum, rest) => sum + rest.activeCount, 0));
    for (const user of page.items) expect(user.orgName).toBe(family.find((o) => o.id === user.orgId)?.name);
  });

  it('filters by role through user_roles', async () => {
    const org = orgs.find((o) => o.name === 'Northwind MSP')!;
    const { items: roles } = await cache.get(`/v1/orgs/${org.id}/roles`);
    const { items: users } = await cache.get(`/v1/orgs/${org.id}/users`);
    let nonEmpty = 0;
    for (const role of roles as { id: string }[]) {
      const expected = (users as User[]).filter((u) => u.roleIds.includes(role.id));
      const page = everything({ orgId: org.id, roleId: role.id });
      expect(ids(page.items)).toEqual(ids(expected));
      if (expected.length > 0) nonEmpty += 1;
      // Combined with a status filter, both apply.
      expect(ids(everything({ orgId: org.id, roleId: role.id, status: 'active' }).items)).toEqual(ids(expected.filter((u) => u.status === 'active')));
    }
    expect(nonEmpty).toBeGreaterThan(2);
    expect(everything({ orgId: org.id, roleId: UNKNOWN }).total).toBe(0);
  });
});

describe('listUsers text search', () => {
  const provider = () => orgs.find((o) => o.name === 'Northwind MSP')!.id;
  const all = () => everything({ orgId: provider(), includeChildren: true }).items;

  it('finds the users whose words start with each typed word, in any of first name, last name and email', () => {
    const users = all();
    for (const q of ['jan', 'JAN', 'jans', 'ja de', 'owner@northwind.example', 'fabrikam-it', 'admin alpine', 'muller', 'Müll', "o'br", 'obrien', 'chloe', 'Théo', 'x']) {
      const page = everything({ orgId: provider(), includeChildren: true, q });
      const expected = users.filter((user) => matches(user, q));
      expect(ids(page.items), q).toEqual(ids(expected));
      expect(page.total, q).toBe(expected.length);
    }
    // The model is not vacuous: these find people.
    expect(users.filter((user) => matches(user, 'muller')).length).toBeGreaterThan(0);
    expect(users.filter((user) => matches(user, "o'br")).length).toBeGreaterThan(0);
    expect(everything({ orgId: provider(), includeChildren: true, q: 'owner@northwind.example' }).items.map((u) => u.email)).toEqual(['owner@northwind.example']);
  });

  it('agrees with the service on a whole email and a last name (its substring search finds at least as much)', async () => {
    const org = orgs.find((o) => o.name === 'Contoso Dental')!;
    const { items: users } = (await cache.get(`/v1/orgs/${org.id}/users`)) as { items: User[] };
    const someone = users.find((u) => u.status === 'active')!;
    for (const q of [someone.email, someone.lastName]) {
      const rest = await cache.get(`/v1/orgs/${org.id}/users?q=${encodeURIComponent(q)}`);
      expect(ids(everything({ orgId: org.id, q }).items), q).toEqual(ids(rest.items));
    }
  });

  it('treats any typed text as text: FTS syntax, quotes and punctuation never throw', () => {
    const users = all();
    const hostile = ['"', '""', '"jan', 'jan"', '-', '-jan', 'jan -bos', '*', 'j*', ':', 'email:jan', 'first_name:jan', 'NOT', 'jan NOT bos', 'AND', 'OR',
      'NEAR(jan bos)', '(', ')', '^jan', '{first_name}: jan', '+', "'", '%', '_', '\\', 'jan;DROP TABLE users', '🙂', 'a'.repeat(200), '  '];
    for (const q of hostile) {
      const page = everything({ orgId: provider(), includeChildren: true, q });
      const expected = users.filter((user) => matches(user, q));
      expect(ids(page.items), JSON.stringify(q)).toEqual(ids(expected));
    }
    // A control character is refused by the shared text rule, at the field, before any search.
    expect(() => everything({ orgId: provider(), includeChildren: true, q: 'j\u0000' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION', details: [{ path: 'q', message: 'Searches cannot contain control characters.' }] }),
    );
    // Text with nothing searchable in it filters nothing.
    expect(everything({ orgId: provider(), includeChildren: true, q: '-' }).total).toBe(users.length);
    expect(ftsPrefixQuery('- * :')).toBeNull();
    expect(ftsPrefixQuery('say "hi" NOT')).toBe('"say"* """hi"""* "NOT"*');
    expect(everything({ orgId: provider(), includeChildren: true, q: 'NOT' }).total).toBe(users.filter((u) => matches(u, 'not')).length);
  });
});

describe('listUsers sort and paging', () => {
  const scope = () => ({ orgId: orgs.find((o) => o.name === 'Northwind MSP')!.id, includeChildren: true });
  const keyOf: Record<string, (u: UserRow) => string> = {
    name: (u) => `${nameSortKey(u.lastName)}\u0000${nameSortKey(u.firstName)}\u0000${nocase(u.lastName)}\u0000${nocase(u.firstName)}`,
    email: (u) => nocase(u.email),
    status: (u) => u.status,
    organization: (u) => `${nameSortKey(u.orgName)}\u0000${nocase(u.orgName)}`,
  };

  it('sorts by name, email, status and organization, both ways', () => {
    for (const sort of ['name', 'email', 'status', 'organization'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        const keys = everything({ ...scope(), sort, direction }).items.map(keyOf[sort]!);
        const expected = [...keys].sort(cmp);
        if (direction === 'desc') expected.reverse();
        expect(keys, `${sort} ${direction}`).toEqual(expected);
      }
    }
    // Name order: last name, then first name (de Vries among the d's, not after Z).
    const first = everything({ ...scope(), sort: 'name', limit: 1 }).items[0]!;
    expect(everything({ ...scope(), sort: 'name' }).items.every((u) => nameSortKey(u.lastName) >= nameSortKey(first.lastName))).toBe(true);
  });

  it('sorts by last activity with never-active users last in both directions', () => {
    for (const direction of ['asc', 'desc'] as const) {
      const items = everything({ ...scope(), sort: 'lastActiveAt', direction }).items;
      const seen = items.filter((u) => u.lastActiveAt !== null).map((u) => u.lastActiveAt!);
      const expected = [...seen].sort(cmp);
      if (direction === 'desc') expected.reverse();
      expect(seen).toEqual(expected);
      const firstNever = items.findIndex((u) => u.lastActiveAt === null);
      expect(firstNever).toBeGreaterThan(0);
      expect(items.slice(firstNever).every((u) => u.lastActiveAt === null)).toBe(true);
    }
  });

  it('pages with offset and limit over a stable order, total unchanged', () => {
    const full = everything({ ...scope(), sort: 'status' });
    const pages: UserRow[] = [];
    for (let offset = 0; offset < full.total; offset += 7) {
      const page = listUsers(cache.db, { ...scope(), sort: 'status', offset, limit: 7 });
      expect(page.total).toBe(full.total);
      expect(page.items.length).toBe(Math.min(7, full.total - offset));
      pages.push(...page.items);
    }
    expect(pages.map((u) => u.id)).toEqual(full.items.map((u) => u.id));
    const beyond = listUsers(cache.db, { ...scope(), offset: full.total + 5 });
    expect(beyond).toEqual({ items: [], total: full.total, activeCount: full.activeCount });
    expect(listUsers(cache.db, scope()).items).toHaveLength(Math.min(200, full.total));
  });
});

describe('pending rows, unknown ids and bad queries', () => {
  it('marks a user pending while confirmed_rows holds their confirmed copy', () => {
    const userId = cache.userId('readonly@northwind.example');
    const orgId = orgs.find((o) => o.name === 'Northwind MSP')!.id;
    expect(getUser(cache.db, userId)?.pending).toBe(false);
    cache.scratch(() => {
      cache.db.prepare("INSERT INTO confirmed_rows (entity, id, org_id, version, data) SELECT 'user', id, org_id, version, data FROM users WHERE id = ?").run(userId);
      // Another entity's confirmed row with the same id does not count.
      cache.db.prepare("INSERT INTO confirmed_rows (entity, id, org_id, version, data) VALUES ('role', ?, ?, 1, NULL)").run(cache.userId('owner@northwind.example'), orgId);
      expect(getUser(cache.db, userId)?.pending).toBe(true);
      const items = everything({ orgId }).items;
      expect(items.filter((u) => u.pending).map((u) => u.id)).toEqual([userId]);
    });
    expect(getUser(cache.db, userId)?.pending).toBe(false);
  });

  it('shows a pending edit through the FTS index and status filters at once', () => {
    const userId = cache.userId('readonly@northwind.example');
    const orgId = orgs.find((o) => o.name === 'Northwind MSP')!.id;
    cache.scratch(() => {
      editRow(cache.db, 'user', userId, { lastName: 'Zwartekop', status: 'deactivated' });
      expect(everything({ orgId, q: 'zwarte' }).items.map((u) => u.id)).toEqual([userId]);
      expect(everything({ orgId, status: 'deactivated' }).items.map((u) => u.id)).toContain(userId);
    });
    expect(everything({ orgId, q: 'zwarte' }).total).toBe(0);
  });

  it('answers an unknown or malformed id with nothing, and a malformed query with VALIDATION', () => {
    expect(listUsers(cache.db, { orgId: UNKNOWN, includeChildren: true, q: 'jan' })).toEqual({ items: [], total: 0, activeCount: 0 });
    expect(getUser(cache.db, UNKNOWN)).toBeNull();
    expect(getUser(cache.db, 'not-a-uuid')).toBeNull();
    expect(billingViewers(cache.db, UNKNOWN)).toEqual([]);
    expect(() => listUsers(cache.db, { orgId: UNKNOWN, limit: 0 })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(listUsers(cache.db, { orgId: 'nope', roleId: "'; --" })).toEqual({ items: [], total: 0, activeCount: 0 });
    expect(listUsers(cache.db, { orgId: cache.orgId('Wingtip Toys'), roleId: 'nope' }).total).toBe(0);
    expect(() => listUsers(cache.db, { orgId: UNKNOWN, sort: 'shoe size' } as never)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => listUsers(cache.db, { orgId: UNKNOWN, extra: true } as never)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});

describe('getUser and billingViewers', () => {
  it('answers one user as the service does, with the company name', async () => {
    const org = orgs.find((o) => o.name === 'Tailspin Solutions')!;
    const { items } = await cache.get(`/v1/orgs/${org.id}/users`);
    const user = items[3] as User;
    expect(getUser(cache.db, user.id)).toEqual({ ...(await cache.get(`/v1/orgs/${org.id}/users/${user.id}`)), orgName: org.name, pending: false });
  });

  it('lists the active users holding billing.view through a role or individually', async () => {
    let total = 0;
    for (const org of orgs) {
      const { items: users } = (await cache.get(`/v1/orgs/${org.id}/users`)) as { items: User[] };
      const { items: roles } = (await cache.get(`/v1/orgs/${org.id}/roles`)) as { items: { id: string; permissions: Permission[] }[] };
      const expected = users.filter(
        (u) =>
          u.status === 'active' &&
          effectivePermissions(
            roles.filter((r) => u.roleIds.includes(r.id)),
            u.permissions,
          ).includes('billing.view'),
      );
      const viewers = billingViewers(cache.db, org.id);
      expect(ids(viewers), org.name).toEqual(ids(expected));
      expect(viewers.every((u) => !('orgName' in u))).toBe(true);
      total += viewers.length;
    }
    // The legacy organization's admin holds every permission individually, with no role.
    const legacy = orgs.find((o) => o.name === 'Blue Yonder Logistics')!;
    expect(billingViewers(cache.db, legacy.id).map((u) => u.email)).toContain('admin@blue-yonder-logistics.example');
    expect(total).toBeGreaterThan(orgs.length);
  });
});

describe('listUsers over a wide scope (the hand-steered plans)', () => {
  const FIRST = ['Jan', 'Janne', 'Anna', 'Ánna', 'Sean', 'Seán', 'Olivia', 'Théo', 'Zoë', 'jan', 'Bram'];
  const LAST = ['Jansen', 'de Vries', 'Müller', 'Muller', "O'Brien", 'Obrien', 'van den Berg', 'Smith', 'Zwart', 'janssen', 'Bakker'];
  const STATUSES = ['active', 'active', 'active', 'pending', 'deactivated'] as const;

  /** Adds `count` users, most of them to Alpine Ski House (below Fabrikam), deterministically. */
  function addUsers(count: number): void {
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const alpine = cache.orgId('Alpine Ski House');
    const helpdesk = (cache.db.prepare("SELECT id FROM roles WHERE org_id = ? AND built_in = 0 LIMIT 1").get(alpine) as { id: string }).id;
    const others = orgs.map((o) => o.id);
    const rows = EntityRows.of(cache.db);
    for (let i = 0; i < count; i += 1) {
      const orgId = next(10) < 7 ? alpine : others[next(others.length)]!;
      const firstName = FIRST[next(FIRST.length)]!;
      const lastName = LAST[next(LAST.length)]!;
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const at = next(4) === 0 ? null : new Date(Date.UTC(2026, 0, 1) + next(300) * 86_400_000 + next(86_400) * 1000).toISOString();
      const email = `${firstName}.${lastName}.${i}@example.test`.toLowerCase().replace(/[^a-z0-9.@]/g, '');
      rows.upsert('user', {
        id,
        orgId,
        version: 1,
        data: {
          id, orgId, version: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
          firstName, lastName, email, status: STATUSES[next(STATUSES.length)], roleIds: orgId === alpine && next(3) === 0 ? [helpdesk] : [], permissions: [], lastActiveAt: at,
        },
      });
    }
  }

  /** The model: filter and sort in plain code, SQLite's NOCASE and the tie-breakers spelled out. */
  const matchMemo = new Map<string, Set<string>>();
  const sortedMemo = new Map<string, UserRow[]>();
  interface Keys {
    name: string[];
    email: string;
    org: string;
  }
  const keyMemo = new Map<string, Keys>();
  function expectedPage(all: UserRow[], query: UserListQuery & { orgIds: Set<string> }) {
    const keys = (u: UserRow): Keys => {
      let found = keyMemo.get(u.id);
      if (found === undefined) {
        found = {
          name: [nameSortKey(u.lastName), nameSortKey(u.firstName), nocase(u.lastName), nocase(u.firstName), nocase(u.email)],
          email: nocase(u.email),
          org: `${nameSortKey(u.orgName)}\u0000${nocase(u.orgName)}`,
        };
        keyMemo.set(u.id, found);
      }
      return found;
    };
    const byName = (a: UserRow, b: UserRow) => {
      const [x, y] = [keys(a).name, keys(b).name];
      return cmp(x[0]!, y[0]!) || cmp(x[1]!, y[1]!) || cmp(x[2]!, y[2]!) || cmp(x[3]!, y[3]!) || cmp(x[4]!, y[4]!);
    };
    const found = (text: string) => {
      let ids = matchMemo.get(text);
      if (ids === undefined) matchMemo.set(text, (ids = new Set(all.filter((u) => matches(u, text)).map((u) => u.id))));
      return ids;
    };
    const dir = query.direction === 'desc' ? -1 : 1;
    const compare = (a: UserRow, b: UserRow): number => {
      switch (query.sort ?? 'name') {
        case 'name':
          return dir * byName(a, b) || cmp(a.id, b.id);
        case 'email':
          return dir * cmp(keys(a).email, keys(b).email) || cmp(a.id, b.id);
        case 'status':
          return dir * cmp(a.status, b.status) || byName(a, b) || cmp(a.id, b.id);
        case 'lastActiveAt':
          return Number(a.lastActiveAt === null) - Number(b.lastActiveAt === null) || dir * cmp(a.lastActiveAt ?? '', b.lastActiveAt ?? '') || byName(a, b) || cmp(a.id, b.id);
        case 'organization':
          return dir * cmp(keys(a).org, keys(b).org) || cmp(a.orgId, b.orgId) || byName(a, b) || cmp(a.id, b.id);
      }
    };
    const memoKey = JSON.stringify([[...query.orgIds], query.status, query.roleId, query.q, query.sort, query.direction]);
    let matching = sortedMemo.get(memoKey);
    if (matching === undefined) {
      matching = all
        .filter((u) => query.orgIds.has(u.orgId))
        .filter((u) => query.status === undefined || u.status === query.status)
        .filter((u) => query.roleId === undefined || u.roleIds.includes(query.roleId))
        .filter((u) => query.q === undefined || found(query.q).has(u.id))
        .sort(compare);
      sortedMemo.set(memoKey, matching);
    }
    const offset = query.offset ?? 0;
    return {
      ids: matching.slice(offset, offset + (query.limit ?? 200)).map((u) => u.id),
      total: matching.length,
      activeCount: all.filter((u) => query.orgIds.has(u.orgId) && u.status === 'active').length,
    };
  }

  it('answers exactly what the plain model answers, whichever plan runs', () => {
    cache.scratch(() => {
      addUsers(2_600);
      for (const memo of [matchMemo, sortedMemo, keyMemo]) memo.clear();
      // The model reads the table directly, not through listUsers.
      const all = (cache.db.prepare('SELECT u.data, o.name FROM users u JOIN organizations o ON o.id = u.org_id').all() as { data: string; name: string }[]).map(
        (row): UserRow => ({ ...(JSON.parse(row.data) as User), orgName: row.name, pending: false }),
      );
      expect(all.length).toBeGreaterThan(2_700);
      const fabrikam = cache.orgId('Fabrikam IT Partners');
      const alpine = cache.orgId('Alpine Ski House');
      const scopes = [
        { orgId: cache.orgId('Northwind MSP'), includeChildren: true, orgIds: new Set(orgs.map((o) => o.id)) },
        { orgId: fabrikam, includeChildren: true, orgIds: new Set([fabrikam, alpine, cache.orgId('Wingtip Toys')]) },
        { orgId: alpine, includeChildren: false, orgIds: new Set([alpine]) },
      ];
      const sorts = [
        { sort: 'name', direction: 'asc' },
        { sort: 'name', direction: 'desc' },
        { sort: 'email', direction: 'desc' },
        { sort: 'lastActiveAt', direction: 'desc' },
        { sort: 'organization', direction: 'asc' },
      ] as const;
      const plans = new Set<UsersQueryPlan | null>();
      let compared = 0;
      for (const scope of scopes) {
        for (const q of [undefined, 'j', 'jan', 'ja de', 'müll', "o'b", 'zoe', 'seán', 'zzz']) {
          for (const status of [undefined, 'active'] as const) {
            for (const sort of sorts) {
              for (const paging of [{ offset: 0, limit: 50 }, { offset: 300, limit: 40 }]) {
                const { orgIds, ...where } = scope;
                const query: UserListQuery = { ...where, ...sort, ...paging, ...(q === undefined ? {} : { q }), ...(status === undefined ? {} : { status }) };
                const expected = expectedPage(all, { ...query, orgIds });
                const page = listUsers(cache.db, query);
                const label = JSON.stringify(query);
                expect(page.items.map((u) => u.id), label).toEqual(expected.ids);
                expect(page.total, label).toBe(expected.total);
                expect(page.activeCount, label).toBe(expected.activeCount);
                plans.add(usersQueryPlan(cache.db, query));
                compared += 1;
              }
            }
          }
        }
      }
      expect(compared).toBe(3 * 9 * 2 * 5 * 2);
      expect(plans).toEqual(new Set(['scope', 'matches', 'walk', null]));

      // Each plan runs the way it claims (EXPLAIN QUERY PLAN): no full scan of users, no sort of every user.
      const explained = new Set<UsersQueryPlan>();
      for (const query of [
        { orgId: cache.orgId('Northwind MSP'), includeChildren: true, q: 'j' },
        { orgId: cache.orgId('Northwind MSP'), includeChildren: true },
        { orgId: fabrikam, includeChildren: true, q: 'zoe', sort: 'lastActiveAt' },
        { orgId: fabrikam, includeChildren: true, q: 'ja de' },
        { orgId: cache.orgId('Contoso Dental'), q: 'j', sort: 'email' },
      ] as UserListQuery[]) {
        const plan = usersQueryPlan(cache.db, query)!;
        const steps = explainListUsers(cache.db, query);
        const label = `${plan} ${JSON.stringify(query)}: ${steps.join(' | ')}`;
        expect(steps.filter((step) => /^SCAN u\b(?! USING)/.test(step)), label).toEqual([]);
        if (plan === 'walk') {
          expect(steps, label).toContain(`SCAN u USING INDEX ${query.sort === 'email' ? 'users_email' : 'users_sort_name'}`);
          expect(steps, label).not.toContain('USE TEMP B-TREE FOR ORDER BY');
        }
        if (plan === 'matches') {
          expect(steps, label).toContain('SEARCH u USING INTEGER PRIMARY KEY (rowid=?)');
          expect(steps.some((step) => step.startsWith('SCAN users_fts VIRTUAL TABLE')), label).toBe(true);
        }
        if (plan === 'scope') expect(steps.some((step) => /^SEARCH u USING (COVERING )?INDEX users_org/.test(step)), label).toBe(true);
        explained.add(plan);
      }
      expect(explained).toEqual(new Set(['walk', 'matches', 'scope']));

      // The role filter over the wide scope, alone and with text.
      const role = (cache.db.prepare("SELECT id FROM roles WHERE org_id = ? AND built_in = 0 LIMIT 1").get(alpine) as { id: string }).id;
      for (const q of [undefined, 'jan']) {
        const query: UserListQuery = { orgId: fabrikam, includeChildren: true, roleId: role, limit: 1000, ...(q === undefined ? {} : { q }) };
        const expected = expectedPage(all, { ...query, orgIds: scopes[1]!.orgIds });
        expect(expected.total).toBeGreaterThan(50);
        const page = listUsers(cache.db, query);
        expect(page.items.map((u) => u.id)).toEqual(expected.ids);
        expect(page.total).toBe(expected.total);
      }
    });
  });
});

describe('listUsers keeps its counts current', () => {
  it('sees a committed change, a rolled-back one undone, and a change written by another connection', () => {
    const orgId = cache.orgId('Wingtip Toys');
    const before = listUsers(cache.db, { orgId });
    const someone = before.items.find((u) => u.status === 'active')!;
    const setStatus = (db: Database.Database, status: string) =>
      editRow(db, 'user', someone.id, { status });

    setStatus(cache.db, 'deactivated');
    expect(listUsers(cache.db, { orgId }).activeCount).toBe(before.activeCount - 1);
    setStatus(cache.db, 'active');
    expect(listUsers(cache.db, { orgId }).activeCount).toBe(before.activeCount);

    // Read inside a transaction that is then rolled back: the counts read there must not outlive it.
    cache.scratch(() => {
      setStatus(cache.db, 'deactivated');
      expect(listUsers(cache.db, { orgId }).activeCount).toBe(before.activeCount - 1);
    });
    expect(listUsers(cache.db, { orgId }).activeCount).toBe(before.activeCount);

    const other = new Database(cache.file);
    // Every connection that writes users computes the name sort key (open.ts registers it for the app's own).
    other.function('sort_key', { deterministic: true }, sqlSortKey);
    try {
      setStatus(other, 'deactivated');
      expect(listUsers(cache.db, { orgId })).toMatchObject({ activeCount: before.activeCount - 1, total: before.total });
      expect(listUsers(cache.db, { orgId, status: 'deactivated' }).items.map((u) => u.id)).toContain(someone.id);
      setStatus(other, 'active');
      expect(listUsers(cache.db, { orgId }).activeCount).toBe(before.activeCount);
    } finally {
      other.close();
    }
  });
});
