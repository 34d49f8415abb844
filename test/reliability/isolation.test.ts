import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, argsFromRequest, parseCommand, type CommandName } from '@shared/commands/catalogue';
import { effectivePermissions, type Permission } from '@shared/domain/permissions';
import { SCHEMA_VERSION, type SyncedEntityName } from '@shared/sync/protocol';
import { API_ROUTES } from '../../service/routes';
import type { RouteDef } from '../../service/http/route';
import { commandOfRoute, requestBodySchemaOf } from '../../service/openapi/document';
import { openApiRoute } from '../../service/openapi/route';
import { insertBuiltInRoles } from '../../service/commands/roles';
import { toRole, type Row } from '../../service/db/rows';
import { VIEW_PERMISSION } from '../../service/sync/pull';
import { DEMO_NOW } from '../support/commands';
import { startTestService, type TestService } from '../support/service';
import { idsOfOrg, mintAccessToken, orgIdByName, tableForKey, userIdByEmail } from './fuzz-fixture';
import { changedTables, digestTables } from './fuzz-http';
import { FUZZ_SEED, exampleOf, inputJsonSchema, preview } from './fuzz-values';
import { idsOutside, parentsOf, pullAll, subtree, type PulledChange } from './isolation-scope';

/**
 * The isolation matrix, generated from the route table: every route that acts in an organization
 * (its :orgId, or createOrg's parentId), against three target organizations, by every caller that
 * stands outside the target's scope (404 NOT_FOUND, the same answer as for an organization that
 * does not exist) or inside it without the route's permission (403 FORBIDDEN); refused calls
 * change nothing, through REST and through a sync push alike. The permission a route needs comes
 * from the command catalogue, or for a read from the entity's view permission (the one pull uses).
 * Then pulls: a bootstrap holds nothing outside the caller's scope and permissions, and neither
 * does the next pull right after the scope shrinks (role change, role edit, withdrawn permission,
 * deactivation, removal) or the tree grows. Users and organizations do not move between
 * organizations in Seatdesk (no command does that), so those are the scope changes there are.
 */

const ROUTES: readonly RouteDef[] = [...API_ROUTES, openApiRoute(API_ROUTES)];
const routeName = (route: RouteDef) => `${route.method} ${route.url}`;
const paramNames = (route: RouteDef) => [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1]!);

type ActorName =
  | 'provider owner'
  | 'reseller admin'
  | 'sibling reseller admin'
  | 'customer admin'
  | 'sibling customer admin'
  | 'another provider owner'
  | 'provider Read Only'
  | 'provider Billing'
  | 'provider Member';

type TargetName = 'reseller' | 'customer' | "another provider's customer";

interface Actor {
  userId: string;
  orgId: string;
  token: string;
  permissions: readonly Permission[];
  scope: ReadonlySet<string>;
}

/** Where a route acts: the organization in its path, or (createOrg) the parent in its body. */
function targetBinding(route: RouteDef): 'path' | 'body' | null {
  if (paramNames(route).includes('orgId')) return 'path';
  const command = commandOfRoute(route);
  return command !== undefined && 'parentId' in COMMANDS[command].args.shape ? 'body' : null;
}

/** The permission a route needs in its organization: the command's, or the view permission of what it reads. */
function permissionOf(route: RouteDef): Permission | null | undefined {
  const command = commandOfRoute(route);
  if (command !== undefined) return COMMANDS[command].permission;
  if (route.method === 'GET' && Object.hasOwn(VIEW_PERMISSION, route.tag)) return VIEW_PERMISSION[route.tag as SyncedEntityName];
  return undefined;
}

const ORG_ROUTES = ROUTES.filter((route) => route.auth === 'bearer' && targetBinding(route) !== null);

interface Tally {
  notFound: number;
  forbidden: number;
  pushed: number;
  allowedReads: number;
}
const tallies = new Map<string, Tally>();

describe('the isolation matrix, generated from the route table', () => {
  let test: TestService;
  let parents: Map<string, string | null>;
  const actors = new Map<ActorName, Actor>();
  const targets = new Map<TargetName, string>();
  let digest: Record<string, string>;

  const one = async <T extends Row>(sql: string, params: unknown[]): Promise<T> => {
    const [row] = await test.store.query<T>(sql, params);
    if (row === undefined) throw new Error(`no row for ${sql}`);
    return row;
  };

  /** The user's effective permissions as the database holds them (roles of their organization, plus individual ones). */
  async function permissionsOf(userId: string): Promise<Permission[]> {
    const user = await one<Row>('SELECT * FROM users WHERE id = $1', [userId]);
    const roles = (await test.store.query<Row>('SELECT * FROM roles WHERE id = ANY ($1::uuid[]) AND org_id = $2', [user['role_ids'], user['org_id']])).map(toRole);
    return effectivePermissions(roles, user['permissions'] as Permission[]);
  }

  async function actorFor(email: string): Promise<Actor> {
    const userId = await userIdByEmail(test.store, email);
    const { org_id: orgId } = await one<{ org_id: string }>('SELECT org_id FROM users WHERE id = $1', [userId]);
    return { userId, orgId, token: await mintAccessToken(test.service, userId, DEMO_NOW), permissions: await permissionsOf(userId), scope: subtree(parents, orgId) };
  }

  const owner = () => actors.get('provider owner')!.token;

  beforeAll(async () => {
    test = await startTestService({ now: DEMO_NOW });
    const northwind = await orgIdByName(test.store, 'Northwind MSP');

    // Another provider, made directly in the store (no route creates a provider), with its Owner.
    const litware = randomUUID();
    await test.store.write(async (tx) => {
      await tx.query(
        `INSERT INTO orgs (id, org_id, parent_id, kind, name, account_email, tax_rate, created_at, updated_at)
         VALUES ($1, $1, NULL, 'provider', 'Litware Managed Services', 'office@litware.example', 2100, $2, $2)`,
        [litware, DEMO_NOW],
      );
      const ownerRole = (await insertBuiltInRoles(tx, litware, DEMO_NOW)).find((role) => role.name === 'Owner');
      await tx.query(
        `INSERT INTO users (id, org_id, first_name, last_name, email, email_key, status, role_ids, created_at, updated_at)
         VALUES ($1, $2, 'Lena', 'Litware', 'owner@litware.example', 'owner@litware.example', 'active', $3, $4, $4)`,
        [randomUUID(), litware, [ownerRole!.id], DEMO_NOW],
      );
    });
    const litwareOwner = await mintAccessToken(test.service, await userIdByEmail(test.store, 'owner@litware.example'), DEMO_NOW);
    // Its customer, made the way a provider makes one, with a billing contact so contact routes have a row there.
    const customer = await test.call('POST', '/v1/orgs', {
      token: litwareOwner,
      body: { parentId: litware, kind: 'customer', name: 'Litware Customer', accountEmail: 'office@litware-customer.example', admin: { firstName: 'Lia', lastName: 'Admin', email: 'admin@litware-customer.example' } },
    });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    const contact = await test.call('POST', `/v1/orgs/${customer.body.id}/billing-contacts`, { token: litwareOwner, body: { email: 'ap@litware-customer.example', kinds: ['invoices'] } });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);

    // The provider's Member, made through the API.
    const memberRole = await one<{ id: string }>("SELECT id FROM roles WHERE org_id = $1 AND built_in_key = 'member'", [northwind]);
    const ownerToken = await mintAccessToken(test.service, await userIdByEmail(test.store, 'owner@northwind.example'), DEMO_NOW);
    const member = await test.call('POST', `/v1/orgs/${northwind}/users`, {
      token: ownerToken,
      body: { firstName: 'Morgan', lastName: 'Member', email: 'member@northwind.example', roleIds: [memberRole.id] },
    });
    expect(member.status, JSON.stringify(member.body)).toBe(201);

    parents = await parentsOf(test.store);
    const emails: Record<ActorName, string> = {
      'provider owner': 'owner@northwind.example',
      'reseller admin': 'admin@fabrikam-it-partners.example',
      'sibling reseller admin': 'admin@tailspin-solutions.example',
      'customer admin': 'admin@alpine-ski-house.example',
      'sibling customer admin': 'admin@wingtip-toys.example',
      'another provider owner': 'owner@litware.example',
      'provider Read Only': 'readonly@northwind.example',
      'provider Billing': 'billing@northwind.example',
      'provider Member': 'member@northwind.example',
    };
    for (const [name, email] of Object.entries(emails) as [ActorName, string][]) actors.set(name, await actorFor(email));
    targets.set('reseller', await orgIdByName(test.store, 'Fabrikam IT Partners'));
    targets.set('customer', await orgIdByName(test.store, 'Alpine Ski House'));
    targets.set("another provider's customer", customer.body.id as string);
    digest = await digestTables(test.store);
  }, 180_000);

  afterAll(async () => {
    await test?.close();
    const rows = [...tallies].map(([name, t]) => `${name.padEnd(80)} ${String(t.notFound).padStart(4)} ${String(t.forbidden).padStart(4)} ${String(t.pushed).padStart(5)} ${String(t.allowedReads).padStart(5)}`);
    const sum = (key: keyof Tally) => [...tallies.values()].reduce((total, t) => total + t[key], 0);
    console.log(
      [
        'Isolation matrix (REST 404s and 403s, the same refusals through push, allowed reads checked for leaks):',
        `${'route'.padEnd(80)}  404  403  push reads`,
        ...rows,
        `total: ${sum('notFound')} out-of-scope and ${sum('forbidden')} missing-permission calls refused over ${tallies.size} routes, ${sum('pushed')} pushed mutations refused, ${sum('allowedReads')} allowed reads without a leak`,
      ].join('\n'),
    );
  });

  it('the callers stand where the matrix says, and the outside ones hold every permission at home', () => {
    const fabrikam = targets.get('reseller')!;
    const alpine = targets.get('customer')!;
    const litwareCustomer = targets.get("another provider's customer")!;
    expect(parents.get(alpine)).toBe(fabrikam);
    expect(parents.get(actors.get('sibling customer admin')!.orgId)).toBe(fabrikam);
    expect(parents.get(actors.get('sibling reseller admin')!.orgId)).toBe(actors.get('provider owner')!.orgId);
    expect(actors.get('provider owner')!.scope.has(litwareCustomer)).toBe(false);
    expect(actors.get('another provider owner')!.scope.has(litwareCustomer)).toBe(true);
    for (const name of ['sibling reseller admin', 'customer admin', 'sibling customer admin', 'another provider owner', 'reseller admin'] as const) {
      expect(actors.get(name)!.permissions, name).toEqual(expect.arrayContaining(['users.manage', 'roles.manage', 'billing.edit', 'orgs.manage', 'account.edit', 'audit.view']));
    }
    expect([...actors.get('provider Member')!.permissions].sort()).toEqual(['users.invite', 'users.view']);
    expect(actors.get('provider Read Only')!.permissions.every((permission) => permission.endsWith('.view'))).toBe(true);
    expect([...actors.get('provider Billing')!.permissions].sort()).toEqual(['billing.edit', 'billing.view']);
  });

  it('every route that acts in an organization says which permission it needs', () => {
    expect(ORG_ROUTES.length).toBeGreaterThan(30);
    expect(ORG_ROUTES.filter((route) => permissionOf(route) === undefined).map(routeName)).toEqual([]);
  });

  /** A request the route accepts, aimed at the target: real ids of its rows, a valid body with the row's current version. */
  async function requestFor(route: RouteDef, target: string): Promise<{ path: string; body?: unknown; args?: unknown } | string> {
    const ids = await idsOfOrg(test.store, target);
    const params: Record<string, string> = {};
    for (const name of paramNames(route)) {
      const [id] = name === 'orgId' ? [target] : ids(name);
      if (id === undefined) return `no ${name} in the target`;
      params[name] = id;
    }
    const path = route.url.replace(/:(\w+)/g, (_match, name: string) => params[name]!);
    const command = commandOfRoute(route);
    const bodySchema = route.method === 'GET' ? undefined : requestBodySchemaOf(route);
    if (bodySchema === undefined) return { path, ...(command === undefined ? {} : { args: argsFromRequest(params, {}) }) };
    const ctx = { ids, urls: [test.url], realIdsOnly: true };
    const candidates = fc.sample(exampleOf(inputJsonSchema(bodySchema), ctx), { seed: FUZZ_SEED, numRuns: 200 });
    const accepted = (body: unknown) => (command === undefined ? bodySchema.safeParse(body).success : parseCommand(command, argsFromRequest(params, body)).success);
    const found = candidates.find(accepted);
    if (found === undefined) return `no valid body among ${candidates.length} candidates, e.g. ${preview(candidates[0])}`;
    const body = found as Record<string, unknown>;
    // The row's real version: were the scope check missing, the change would apply rather than conflict.
    const last = paramNames(route).at(-1);
    const table = last === undefined ? null : tableForKey(last);
    if ('version' in body && table !== null) body['version'] = (await one<{ version: number }>(`SELECT version FROM ${table} WHERE id = $1`, [params[last!]])).version;
    return { path, body, ...(command === undefined ? {} : { args: argsFromRequest(params, body) }) };
  }

  it.each(ORG_ROUTES.map((route) => [routeName(route), route] as const))('%s', async (name, route) => {
    const permission = permissionOf(route) ?? null;
    const command = commandOfRoute(route) as CommandName | undefined;
    const tally: Tally = { notFound: 0, forbidden: 0, pushed: 0, allowedReads: 0 };
    tallies.set(name, tally);
    const failures: string[] = [];
    const skipped: string[] = [];
    for (const [targetName, target] of targets) {
      const request = await requestFor(route, target);
      if (typeof request === 'string') {
        skipped.push(`${targetName}: ${request}`);
        continue;
      }
      for (const [actorName, actor] of actors) {
        const inScope = actor.scope.has(target);
        const expected = !inScope ? 404 : permission !== null && !actor.permissions.includes(permission) ? 403 : null;
        const label = `${actorName} on the ${targetName}`;
        if (expected === null) {
          if (route.method !== 'GET') continue;
          // Allowed reads are the control: they answer, and nothing in them lies outside the caller's scope.
          const answer = await test.call('GET', request.path, { token: actor.token });
          if (answer.status !== 200) failures.push(`${label}: allowed, but answered ${answer.status} ${preview(answer.body)}`);
          const leaks = idsOutside(answer.body, actor.scope);
          if (leaks.length > 0) failures.push(`${label}: the answer names organizations outside the scope: ${leaks.slice(0, 3).join(', ')}`);
          tally.allowedReads += 1;
          continue;
        }
        const answer = await test.call(route.method, request.path, { token: actor.token, ...(request.body === undefined ? {} : { body: request.body }) });
        const code = expected === 404 ? 'NOT_FOUND' : 'FORBIDDEN';
        if (answer.status !== expected || answer.body?.error?.code !== code) {
          failures.push(`${label}: expected ${expected} ${code}, answered ${answer.status} ${preview(answer.body)}${request.body === undefined ? '' : ` for ${preview(request.body)}`}`);
        } else if (expected === 404) {
          tally.notFound += 1;
          // The same answer as for an organization that does not exist: existence is not leaked.
          const ghost = randomUUID();
          const ghostPath = request.path.replaceAll(target, ghost);
          const ghostBody = request.body === undefined ? undefined : JSON.parse(JSON.stringify(request.body).replaceAll(target, ghost));
          const unknown = await test.call(route.method, ghostPath, { token: actor.token, ...(ghostBody === undefined ? {} : { body: ghostBody }) });
          if (unknown.status !== 404 || JSON.stringify(unknown.body) !== JSON.stringify(answer.body)) {
            failures.push(`${label}: answered ${preview(answer.body)}, but for an organization that does not exist ${unknown.status} ${preview(unknown.body)}`);
          }
        } else {
          tally.forbidden += 1;
        }
        let after = await digestTables(test.store);
        if (changedTables(digest, after).length > 0) failures.push(`${label}: refused, but changed ${changedTables(digest, after).join(', ')}`);
        digest = after;

        if (command !== undefined) {
          // The same command queued offline and pushed: refused as an outcome with the same code.
          const push = await test.call('POST', '/v1/sync/push', {
            token: actor.token,
            body: { clientId: randomUUID(), schemaVersion: SCHEMA_VERSION, mutations: [{ id: 1, name: command, args: request.args }] },
          });
          const outcome = push.body?.outcomes?.[0];
          if (push.status !== 200 || outcome?.status !== 'rejected' || outcome?.code !== code) {
            failures.push(`${label}, pushed: expected a rejected ${code} outcome, answered ${push.status} ${preview(push.body)}`);
          } else {
            tally.pushed += 1;
          }
          after = await digestTables(test.store);
          if (changedTables(digest, after).length > 0) failures.push(`${label}, pushed: refused, but changed ${changedTables(digest, after).join(', ')}`);
          digest = after;
        }
      }
    }
    expect(skipped.length, `no target has the rows this route needs: ${skipped.join('; ')}`).toBeLessThan(targets.size);
    expect(tally.notFound, 'every route meets callers outside its scope').toBeGreaterThan(0);
    if (permission !== null) expect(tally.forbidden, `callers without ${permission} meet it`).toBeGreaterThan(0);
    expect(failures.length, `${failures.length} isolation failures:\n${failures.slice(0, 30).join('\n')}`).toBe(0);
  }, 300_000);

  it('no answer of a route without path parameters names an organization outside the caller’s scope', async () => {
    const failures: string[] = [];
    const reads = ROUTES.filter((route) => route.auth === 'bearer' && route.method === 'GET' && paramNames(route).length === 0);
    expect(reads.map(routeName)).toEqual(expect.arrayContaining(['GET /v1/me', 'GET /v1/orgs', 'GET /v1/sync/pull']));
    for (const route of reads) {
      for (const [actorName, actor] of actors) {
        const query = route.query === undefined ? {} : fc.sample(exampleOf(inputJsonSchema(route.query), { ids: () => [], urls: [], realIdsOnly: true }), { seed: FUZZ_SEED, numRuns: 50 }).find((q) => route.query!.safeParse(q).success);
        const search = new URLSearchParams(Object.entries((query ?? {}) as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]));
        if (route.response === undefined) {
          // An event stream: only its opening is read.
          const controller = new AbortController();
          const response = await fetch(`${test.url}${route.url}?${search}`, { headers: { authorization: `Bearer ${actor.token}` }, signal: controller.signal });
          controller.abort();
          if (response.status !== 200) failures.push(`${routeName(route)} as ${actorName}: ${response.status}`);
          continue;
        }
        const answer = await test.call('GET', `${route.url}?${search}`, { token: actor.token });
        if (answer.status !== 200) failures.push(`${routeName(route)} as ${actorName}: ${answer.status} ${preview(answer.body)}`);
        const leaks = idsOutside(answer.body, actor.scope);
        if (leaks.length > 0) failures.push(`${routeName(route)} as ${actorName}: ${leaks.slice(0, 3).join(', ')}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
  }, 120_000);

  /** What a pull may carry for a caller: rows of their scope, of entities their permissions show. */
  function problemsIn(changes: readonly PulledChange[], scope: ReadonlySet<string>, permissions: readonly Permission[]): string[] {
    const problems: string[] = [];
    for (const change of changes) {
      if (!scope.has(change.orgId)) problems.push(`${change.entity} ${change.id} of organization ${change.orgId}, outside the scope`);
      const needed = VIEW_PERMISSION[change.entity as SyncedEntityName];
      if (needed === undefined) problems.push(`an unknown entity ${change.entity}`);
      else if (needed !== null && !permissions.includes(needed)) problems.push(`${change.entity} ${change.id}, which needs ${needed}`);
      problems.push(...idsOutside(change.data, scope).map((leak) => `${change.entity} ${change.id} names ${leak}`));
    }
    return problems;
  }

  it('a bootstrap pull holds only rows of the caller’s scope, of entities their permissions show', async () => {
    for (const [name, actor] of actors) {
      const pulled = await pullAll(test, actor.token, randomUUID());
      expect(pulled.status, name).toBe(200);
      expect(pulled.changes.length, name).toBeGreaterThan(0);
      expect(problemsIn(pulled.changes, actor.scope, actor.permissions).slice(0, 10), name).toEqual([]);
      // Every organization of the scope arrives: the check above is not satisfied by an empty pull.
      expect(new Set(pulled.changes.filter((c) => c.entity === 'organization').map((c) => c.id)), name).toEqual(new Set(actor.scope));
    }
  }, 120_000);

  /** A user of the reseller, made through the API with the given roles and permissions, signed in, bootstrapped. */
  async function resellerUser(roleIds: string[], permissions: Permission[] = []) {
    const fabrikam = targets.get('reseller')!;
    const created = await test.call('POST', `/v1/orgs/${fabrikam}/users`, {
      token: owner(),
      body: { firstName: 'Scope', lastName: `Change ${randomUUID().slice(0, 8)}`, email: `scope.${randomUUID().slice(0, 8)}@fabrikam-it-partners.example`, roleIds, permissions },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const token = await mintAccessToken(test.service, created.body.id, DEMO_NOW);
    const clientId = randomUUID();
    const bootstrap = await pullAll(test, token, clientId);
    expect(bootstrap.status).toBe(200);
    return { id: created.body.id as string, token, clientId, bootstrap };
  }

  const roleOf = (orgId: string, key: string) => one<{ id: string }>('SELECT id FROM roles WHERE org_id = $1 AND built_in_key = $2', [orgId, key]).then((row) => row.id);
  const versionOf = (table: string, id: string) => one<{ version: number }>(`SELECT version FROM ${table} WHERE id = $1`, [id]).then((row) => row.version);

  /** Changes in the reseller that a Read Only user would receive: a contact, a subscription, a user, an audit trail. */
  async function changeTheReseller(): Promise<void> {
    const fabrikam = targets.get('reseller')!;
    const contact = await test.call('POST', `/v1/orgs/${fabrikam}/billing-contacts`, { token: owner(), body: { email: `ap.${randomUUID().slice(0, 8)}@fabrikam-it-partners.example`, kinds: ['invoices'] } });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);
    const [subscription] = await test.store.query<{ id: string; status: string }>("SELECT id, status FROM subscriptions WHERE org_id = $1 AND status IN ('active', 'cancel_scheduled') ORDER BY id LIMIT 1", [fabrikam]);
    if (subscription !== undefined) {
      const action = subscription.status === 'active' ? 'cancel' : 'remove-scheduled-cancellation';
      const changed = await test.call('POST', `/v1/orgs/${fabrikam}/subscriptions/${subscription.id}/${action}`, { token: owner() });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    }
  }

  /** The next pull from where the user stood, and a fresh bootstrap: neither may hold what the new scope does not show. */
  async function expectPullsWithin(user: { id: string; token: string; clientId: string; bootstrap: { cursor: number } }, forbidden: readonly SyncedEntityName[]) {
    const permissions = await permissionsOf(user.id);
    for (const entity of forbidden) expect(permissions, `the change took ${entity}'s permission away`).not.toContain(VIEW_PERMISSION[entity]);
    const scope = subtree(parents, targets.get('reseller')!);
    const next = await pullAll(test, user.token, user.clientId, user.bootstrap.cursor);
    expect(next.status).toBe(200);
    // The reseller did change: the next pull is not empty, only filtered.
    expect(next.changes.length).toBeGreaterThan(0);
    expect(problemsIn(next.changes, scope, permissions).slice(0, 10)).toEqual([]);
    expect(next.changes.filter((change) => forbidden.includes(change.entity as SyncedEntityName)).map((c) => `${c.entity} ${c.id}`)).toEqual([]);
    const fresh = await pullAll(test, user.token, randomUUID());
    expect(problemsIn(fresh.changes, scope, permissions).slice(0, 10)).toEqual([]);
  }

  it('after a role change, the next pull holds nothing the new role does not show', async () => {
    const fabrikam = targets.get('reseller')!;
    const user = await resellerUser([await roleOf(fabrikam, 'read_only')]);
    expect(user.bootstrap.changes.some((change) => change.entity === 'invoice')).toBe(true);
    const demoted = await test.call('PATCH', `/v1/orgs/${fabrikam}/users/${user.id}`, {
      token: owner(),
      body: { version: await versionOf('users', user.id), roleIds: [await roleOf(fabrikam, 'member')] },
    });
    expect(demoted.status, JSON.stringify(demoted.body)).toBe(200);
    await changeTheReseller();
    // REST at once, too.
    expect((await test.call('GET', `/v1/orgs/${fabrikam}/invoices`, { token: user.token })).status).toBe(403);
    await expectPullsWithin(user, ['billing_contact', 'invoice', 'payment_method', 'subscription', 'audit_event']);
  });

  it('after a custom role loses a permission, the next pull of its holders holds nothing it showed', async () => {
    const fabrikam = targets.get('reseller')!;
    const role = await test.call('POST', `/v1/orgs/${fabrikam}/roles`, { token: owner(), body: { name: `Reviewer ${randomUUID().slice(0, 8)}`, permissions: ['users.view', 'billing.view', 'subscriptions.view'] } });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const user = await resellerUser([role.body.id]);
    expect(user.bootstrap.changes.some((change) => change.entity === 'billing_contact')).toBe(true);
    const edited = await test.call('PATCH', `/v1/orgs/${fabrikam}/roles/${role.body.id}`, { token: owner(), body: { version: role.body.version, permissions: ['users.view'] } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    await changeTheReseller();
    await expectPullsWithin(user, ['billing_contact', 'invoice', 'payment_method', 'subscription']);
  });

  it('after individual permissions are withdrawn, the next pull holds nothing they showed', async () => {
    const fabrikam = targets.get('reseller')!;
    const user = await resellerUser([], ['users.view', 'audit.view', 'billing.view']);
    expect(user.bootstrap.changes.some((change) => change.entity === 'audit_event')).toBe(true);
    const withdrawn = await test.call('PATCH', `/v1/orgs/${fabrikam}/users/${user.id}`, { token: owner(), body: { version: await versionOf('users', user.id), permissions: ['users.view'] } });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    await changeTheReseller();
    await expectPullsWithin(user, ['audit_event', 'billing_contact', 'invoice', 'payment_method']);
  });

  it('a deactivated or removed user pulls nothing at all', async () => {
    const fabrikam = targets.get('reseller')!;
    const readOnly = await roleOf(fabrikam, 'read_only');
    const deactivated = await resellerUser([readOnly]);
    const off = await test.call('POST', `/v1/orgs/${fabrikam}/users/${deactivated.id}/deactivate`, { token: owner() });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    await changeTheReseller();
    const afterDeactivation = await pullAll(test, deactivated.token, deactivated.clientId, deactivated.bootstrap.cursor);
    expect(afterDeactivation).toMatchObject({ status: 401, changes: [] });

    const removed = await resellerUser([readOnly]);
    const gone = await test.call('DELETE', `/v1/orgs/${fabrikam}/users/${removed.id}`, { token: owner() });
    expect(gone.status, JSON.stringify(gone.body)).toBe(200);
    await changeTheReseller();
    expect(await pullAll(test, removed.token, removed.clientId, removed.bootstrap.cursor)).toMatchObject({ status: 401, changes: [] });
  });

  it('a new organization reaches the callers above it at their next pull, and nobody beside or below it', async () => {
    const fabrikam = targets.get('reseller')!;
    const watchers = (['provider owner', 'reseller admin', 'sibling reseller admin', 'customer admin', 'another provider owner'] as const).map((name) => ({ name, actor: actors.get(name)! }));
    const before = new Map<string, { clientId: string; cursor: number }>();
    for (const { name, actor } of watchers) {
      const clientId = randomUUID();
      before.set(name, { clientId, cursor: (await pullAll(test, actor.token, clientId)).cursor });
    }
    const created = await test.call('POST', '/v1/orgs', {
      token: owner(),
      body: { parentId: fabrikam, kind: 'customer', name: `Graphic Design Institute ${randomUUID().slice(0, 8)}`, accountEmail: 'office@graphic-design.example', admin: { firstName: 'Gia', lastName: 'Admin', email: `gia.${randomUUID().slice(0, 8)}@graphic-design.example` } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    parents = await parentsOf(test.store);
    for (const { name, actor } of watchers) {
      const { clientId, cursor } = before.get(name)!;
      const scope = subtree(parents, actor.orgId);
      const next = await pullAll(test, actor.token, clientId, cursor);
      expect(next.status, name).toBe(200);
      expect(problemsIn(next.changes, scope, actor.permissions).slice(0, 10), name).toEqual([]);
      const sees = next.changes.some((change) => change.orgId === created.body.id);
      expect(sees, name).toBe(scope.has(created.body.id));
    }
  });
});
