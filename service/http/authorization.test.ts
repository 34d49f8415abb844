import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, testDatabases, type TestService } from '../../test/support/service';
import { DEMO_NOW } from '../../test/support/commands';
import { hashPassword } from '../auth/passwords';
import { insertBuiltInRoles } from '../commands/roles';

/**
 * The authorization matrix: every route below is called against one target organization, the
 * reseller Fabrikam IT Partners, by each kind of caller. Outside the caller's scope the answer is
 * 404 NOT_FOUND, exactly as for an organization that does not exist; inside it, a missing
 * permission is 403 FORBIDDEN; otherwise the route succeeds.
 */
const TARGET = 'Fabrikam IT Partners';
const PASSWORD = 'a-known-password-for-tests';

type ActorName =
  | 'provider owner'
  | 'target admin'
  | 'another provider owner'
  | 'sibling admin'
  | 'child admin'
  | 'provider Member'
  | 'provider Read Only'
  | 'provider Billing';

const OUTSIDE: readonly ActorName[] = ['another provider owner', 'sibling admin', 'child admin'];
const ALLOWED_EVERYWHERE: readonly ActorName[] = ['provider owner', 'target admin'];

interface Request {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
}

interface RouteCase {
  name: string;
  success: 200 | 201;
  /** What the provider's built-in roles (Member, Read Only, Billing) get in an organization below theirs. */
  roles: { 'provider Member': number; 'provider Read Only': number; 'provider Billing': number };
  /** Builds the request against the target organization, with fresh fixtures where a success would use one up. */
  prepare: (target: string) => Promise<Request>;
  /** Puts things back after a success, so the next caller meets the same state. */
  restore?: (body: { id: string; status?: string }, target: string) => Promise<void>;
}

describe.each(testDatabases())('authorization matrix (%s)', (database) => {
  let test: TestService;
  let target: string;
  const tokens = new Map<ActorName, string>();
  let owner: string;
  let counter = 0;
  const unique = () => `${Date.now().toString(36)}${(counter += 1)}`;

  const call = (token: string, request: Request) =>
    test.call(request.method, request.path, { token, ...(request.body === undefined ? {} : { body: request.body }) });
  const one = async <T>(sql: string, params: unknown[]): Promise<T> => {
    const [row] = await test.store.query<T & Record<string, unknown>>(sql, params);
    if (row === undefined) throw new Error(`no row for ${sql}`);
    return row;
  };
  const orgIdOf = (name: string) => one<{ id: string }>('SELECT id FROM orgs WHERE name = $1', [name]).then((row) => row.id);

  /** Everything a refused call could have touched, anywhere. */
  const snapshot = async () => ({
    orgs: await test.store.query('SELECT id, version, name, parent_id FROM orgs ORDER BY id'),
    users: await test.store.query('SELECT id, version, status, first_name FROM users WHERE org_id = $1 ORDER BY id', [target]),
    roles: await test.store.query('SELECT id, version FROM roles WHERE org_id = $1 ORDER BY id', [target]),
    contacts: await test.store.query('SELECT id, version FROM billing_contacts WHERE org_id = $1 ORDER BY id', [target]),
    subscriptions: await test.store.query('SELECT id, version, status FROM subscriptions WHERE org_id = $1 ORDER BY id', [target]),
    counts: await test.store.query(
      'SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM audit_events)::int AS audit, (SELECT count(*) FROM mail_outbox)::int AS mail',
    ),
  });

  const cases: RouteCase[] = [
    {
      name: 'GET the organization',
      success: 200,
      roles: { 'provider Member': 200, 'provider Read Only': 200, 'provider Billing': 200 },
      prepare: async (org) => ({ method: 'GET', path: `/v1/orgs/${org}` }),
    },
    {
      name: 'GET users',
      success: 200,
      roles: { 'provider Member': 200, 'provider Read Only': 200, 'provider Billing': 403 },
      prepare: async (org) => ({ method: 'GET', path: `/v1/orgs/${org}/users` }),
    },
    {
      name: 'GET roles',
      success: 200,
      roles: { 'provider Member': 200, 'provider Read Only': 200, 'provider Billing': 403 },
      prepare: async (org) => ({ method: 'GET', path: `/v1/orgs/${org}/roles` }),
    },
    {
      name: 'GET invoices',
      success: 200,
      roles: { 'provider Member': 403, 'provider Read Only': 200, 'provider Billing': 200 },
      prepare: async (org) => ({ method: 'GET', path: `/v1/orgs/${org}/invoices?includeChildren=true` }),
    },
    {
      name: 'GET subscriptions',
      success: 200,
      roles: { 'provider Member': 403, 'provider Read Only': 200, 'provider Billing': 403 },
      prepare: async (org) => ({ method: 'GET', path: `/v1/orgs/${org}/subscriptions?includeChildren=true` }),
    },
    {
      name: 'GET audit',
      success: 200,
      roles: { 'provider Member': 403, 'provider Read Only': 200, 'provider Billing': 403 },
      prepare: async (org) => ({ method: 'GET', path: `/v1/orgs/${org}/audit` }),
    },
    {
      name: 'PATCH the organization',
      success: 200,
      roles: { 'provider Member': 403, 'provider Read Only': 403, 'provider Billing': 403 },
      prepare: async (org) => {
        const { version } = await one<{ version: number }>('SELECT version FROM orgs WHERE id = $1', [org]);
        return { method: 'PATCH', path: `/v1/orgs/${org}`, body: { version, billingEmail: `invoices-${unique()}@fabrikam-it-partners.example` } };
      },
    },
    {
      name: 'POST users (create)',
      success: 201,
      roles: { 'provider Member': 403, 'provider Read Only': 403, 'provider Billing': 403 },
      prepare: async (org) => ({
        method: 'POST',
        path: `/v1/orgs/${org}/users`,
        body: { firstName: 'New', lastName: 'Person', email: `new.person.${unique()}@fabrikam-it-partners.example` },
      }),
    },
    {
      name: 'PATCH a user',
      success: 200,
      roles: { 'provider Member': 403, 'provider Read Only': 403, 'provider Billing': 403 },
      prepare: async (org) => {
        const user = await one<{ id: string; version: number }>(
          "SELECT id, version FROM users WHERE org_id = $1 AND email_key <> 'admin@fabrikam-it-partners.example' ORDER BY id LIMIT 1",
          [org],
        );
        return { method: 'PATCH', path: `/v1/orgs/${org}/users/${user.id}`, body: { version: user.version, firstName: `Renamed ${unique()}` } };
      },
    },
    {
      name: 'POST invitations',
      success: 201,
      roles: { 'provider Member': 201, 'provider Read Only': 403, 'provider Billing': 403 },
      prepare: async (org) => ({ method: 'POST', path: `/v1/orgs/${org}/invitations`, body: { emails: [`invitee.${unique()}@fabrikam-it-partners.example`] } }),
    },
    {
      name: 'POST cancel a subscription',
      success: 200,
      roles: { 'provider Member': 403, 'provider Read Only': 403, 'provider Billing': 403 },
      prepare: async (org) => {
        const subscription = await one<{ id: string }>("SELECT id FROM subscriptions WHERE org_id = $1 AND status = 'active' ORDER BY id LIMIT 1", [org]);
        return { method: 'POST', path: `/v1/orgs/${org}/subscriptions/${subscription.id}/cancel` };
      },
      restore: async (subscription, org) => {
        const undo = subscription.status === 'cancelled' ? 'reactivate' : 'remove-scheduled-cancellation';
        const response = await call(owner, { method: 'POST', path: `/v1/orgs/${org}/subscriptions/${subscription.id}/${undo}` });
        expect(response.body.status).toBe('active');
      },
    },
    {
      name: 'DELETE a role',
      success: 200,
      roles: { 'provider Member': 403, 'provider Read Only': 403, 'provider Billing': 403 },
      prepare: async (org) => {
        const created = await call(owner, { method: 'POST', path: `/v1/orgs/${org}/roles`, body: { name: `Temporary ${unique()}`, permissions: ['users.view'] } });
        expect(created.status).toBe(201);
        return { method: 'DELETE', path: `/v1/orgs/${org}/roles/${created.body.id}` };
      },
    },
    {
      name: 'POST a billing contact',
      success: 201,
      roles: { 'provider Member': 403, 'provider Read Only': 403, 'provider Billing': 201 },
      prepare: async (org) => ({
        method: 'POST',
        path: `/v1/orgs/${org}/billing-contacts`,
        body: { email: `ap.${unique()}@fabrikam-it-partners.example`, kinds: ['invoices'] },
      }),
    },
    {
      name: 'POST a child organization',
      success: 201,
      roles: { 'provider Member': 403, 'provider Read Only': 403, 'provider Billing': 403 },
      prepare: async (org) => {
        const name = `Graphic Design Institute ${unique()}`;
        return {
          method: 'POST',
          path: '/v1/orgs',
          body: { parentId: org, kind: 'customer', name, accountEmail: 'office@graphic-design.example', admin: { firstName: 'Gia', lastName: 'Admin', email: `gia.${unique()}@graphic-design.example` } },
        };
      },
    },
  ];

  const ACTORS: readonly ActorName[] = [...ALLOWED_EVERYWHERE, ...OUTSIDE, 'provider Member', 'provider Read Only', 'provider Billing'];
  const expectedStatus = (route: RouteCase, actor: ActorName): number => {
    if (ALLOWED_EVERYWHERE.includes(actor)) return route.success;
    if (OUTSIDE.includes(actor)) return 404;
    return route.roles[actor as keyof RouteCase['roles']];
  };
  const matrix = cases.flatMap((route) => ACTORS.map((actor) => ({ route, actor, status: expectedStatus(route, actor) })));

  beforeAll(async () => {
    test = await startTestService({ database, now: DEMO_NOW });
    target = await orgIdOf(TARGET);
    const provider = await orgIdOf('Northwind MSP');
    owner = (await test.signIn('owner@northwind.example')).accessToken;

    // Another provider, made directly in the store: its own tree, its own Owner.
    const passwordHash = await hashPassword(PASSWORD);
    await test.store.write(async (tx) => {
      const orgId = randomUUID();
      await tx.query(
        `INSERT INTO orgs (id, org_id, parent_id, kind, name, account_email, tax_rate, created_at, updated_at)
         VALUES ($1, $1, NULL, 'provider', 'Litware Managed Services', 'office@litware.example', 2100, $2, $2)`,
        [orgId, DEMO_NOW],
      );
      const ownerRole = (await insertBuiltInRoles(tx, orgId, DEMO_NOW)).find((role) => role.name === 'Owner');
      await tx.query(
        `INSERT INTO users (id, org_id, first_name, last_name, email, email_key, status, role_ids, password_hash, created_at, updated_at)
         VALUES ($1, $2, 'Lena', 'Litware', 'owner@litware.example', 'owner@litware.example', 'active', $3, $4, $5, $5)`,
        [randomUUID(), orgId, [ownerRole!.id], passwordHash, DEMO_NOW],
      );
    });

    // The provider's Member: created through the API, given a known password through the store.
    const memberRole = await one<{ id: string }>("SELECT id FROM roles WHERE org_id = $1 AND built_in_key = 'member'", [provider]);
    const member = await call(owner, {
      method: 'POST',
      path: `/v1/orgs/${provider}/users`,
      body: { firstName: 'Morgan', lastName: 'Member', email: 'member@northwind.example', roleIds: [memberRole.id] },
    });
    expect(member.status, JSON.stringify(member.body)).toBe(201);
    await test.store.query('UPDATE users SET password_hash = $2 WHERE id = $1', [member.body.id, passwordHash]);

    tokens.set('provider owner', owner);
    tokens.set('target admin', (await test.signIn('admin@fabrikam-it-partners.example')).accessToken);
    tokens.set('another provider owner', (await test.signIn('owner@litware.example', PASSWORD)).accessToken);
    tokens.set('sibling admin', (await test.signIn('admin@tailspin-solutions.example')).accessToken);
    tokens.set('child admin', (await test.signIn('admin@alpine-ski-house.example')).accessToken);
    tokens.set('provider Member', (await test.signIn('member@northwind.example', PASSWORD)).accessToken);
    tokens.set('provider Read Only', (await test.signIn('readonly@northwind.example')).accessToken);
    tokens.set('provider Billing', (await test.signIn('billing@northwind.example')).accessToken);
  }, 120_000);
  afterAll(async () => {
    await test?.close();
  });

  it('the callers are who the matrix says: where they stand and what they may do', async () => {
    const me = async (actor: ActorName) => (await test.call('GET', '/v1/me', { token: tokens.get(actor)! })).body;
    const orgOf = async (actor: ActorName) => {
      const body = await me(actor);
      return body.orgs.find((org: { id: string }) => org.id === body.user.orgId);
    };
    const fabrikam = target;
    expect((await orgOf('another provider owner')).kind).toBe('provider');
    expect((await me('another provider owner')).orgs.map((org: { id: string }) => org.id)).not.toContain(fabrikam);
    // Sibling: the other reseller under the same provider.
    const sibling = await orgOf('sibling admin');
    expect(sibling.parentId).toBe((await orgOf('provider owner')).id);
    expect(sibling.id).not.toBe(fabrikam);
    // Child: a customer whose parent is the target.
    expect((await orgOf('child admin')).parentId).toBe(fabrikam);
    // The outside callers hold every permission at home, so their 404s are about scope alone.
    for (const actor of OUTSIDE) expect((await orgOf(actor)).permissions, actor).toContain('users.manage');
    expect((await orgOf('provider Member')).permissions).toEqual(['users.view', 'users.invite']);
    expect((await orgOf('provider Read Only')).permissions).toEqual(expect.arrayContaining(['users.view', 'billing.view', 'subscriptions.view', 'audit.view']));
    expect((await orgOf('provider Read Only')).permissions.some((permission: string) => !permission.endsWith('.view'))).toBe(false);
    expect((await orgOf('provider Billing')).permissions).toEqual(['billing.view', 'billing.edit']);
  });

  it.each(matrix)('$route.name as $actor: $status', async ({ route, actor, status }) => {
    const request = await route.prepare(target);
    const before = await snapshot();
    const response = await call(tokens.get(actor)!, request);
    expect(response.status, JSON.stringify(response.body)?.slice(0, 300)).toBe(status);
    if (status < 400) {
      await route.restore?.(response.body, target);
      return;
    }
    expect(response.body.error.code).toBe(status === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
    expect(await snapshot()).toEqual(before);
    if (status === 404) {
      // The same answer as for an organization that does not exist: existence is not leaked.
      const ghost = randomUUID();
      const ghostRequest = JSON.parse(JSON.stringify(request).replaceAll(target, ghost)) as Request;
      const unknown = await call(tokens.get(actor)!, ghostRequest);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual(response.body);
    }
  });
});
