import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorBodySchema } from '@shared/errors';
import { startTestService, testDatabases, type Session, type TestService } from '../../test/support/service';
import { DEMO_NOW } from '../../test/support/commands';

type Call = Awaited<ReturnType<TestService['call']>>;

interface BadInput {
  name: string;
  send: () => Promise<Call>;
  status: number;
  code: string;
  /** A part of the message that tells the caller what to fix. */
  message: RegExp;
  /** Field paths that details must name (VALIDATION). */
  paths?: string[];
}

describe.each(testDatabases())('bad input is refused with a useful error and changes nothing (%s)', (database) => {
  let test: TestService;
  let owner: Session;
  let orgId: string;
  let userId: string;
  let version: number;

  /** What a refused request must leave as it was. */
  const state = async () => ({
    users: await test.store.query('SELECT org_id, count(*)::int AS n FROM users GROUP BY org_id ORDER BY org_id'),
    org: await test.store.query('SELECT * FROM orgs WHERE id = $1', [orgId]),
    user: await test.store.query('SELECT * FROM users WHERE id = $1', [userId]),
    roles: await test.store.query('SELECT count(*)::int AS n FROM roles'),
    audit: await test.store.query('SELECT count(*)::int AS n FROM audit_events'),
    mail: await test.store.query('SELECT count(*)::int AS n FROM mail_outbox'),
    invitations: await test.store.query('SELECT count(*)::int AS n FROM invitations'),
  });

  const as = (token: string | undefined) => (token === undefined ? {} : { token });
  const json = (method: string, path: string, body: unknown) => test.call(method, path, { ...as(owner.accessToken), body });
  const raw = (method: string, path: string, text: string, contentType: string) =>
    test.call(method, path, { ...as(owner.accessToken), raw: text, headers: { 'content-type': contentType } });

  beforeAll(async () => {
    test = await startTestService({ database, now: DEMO_NOW });
    owner = await test.signIn('owner@northwind.example');
    const [org] = await test.store.query<{ id: string; version: number }>("SELECT id, version FROM orgs WHERE name = 'Contoso Dental'");
    orgId = org!.id;
    version = org!.version;
    const [user] = await test.store.query<{ id: string }>("SELECT id FROM users WHERE org_id = $1 AND status = 'active' AND email_key <> 'admin@contoso-dental.example' ORDER BY email_key LIMIT 1", [orgId]);
    userId = user!.id;
  }, 120_000);
  afterAll(async () => {
    await test?.close();
  });

  const users = () => `/v1/orgs/${orgId}/users`;
  const newUser = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada.lovelace@contoso-dental.example' };

  const cases: BadInput[] = [
    {
      name: 'malformed JSON',
      send: () => raw('POST', users(), '{"firstName": "Ada", "lastName": ', 'application/json'),
      status: 400,
      code: 'VALIDATION',
      message: /not valid JSON/,
    },
    {
      name: 'an empty body declared as JSON',
      send: () => raw('POST', users(), '', 'application/json'),
      status: 400,
      code: 'VALIDATION',
      message: /empty/,
    },
    {
      name: 'a body that is not JSON (XML)',
      send: () => raw('POST', users(), '<user><firstName>Ada</firstName></user>', 'application/xml'),
      status: 415,
      code: 'VALIDATION',
      message: /application\/json/,
    },
    {
      name: 'a JSON body sent as text/plain',
      send: () => raw('POST', users(), JSON.stringify(newUser), 'text/plain'),
      status: 415,
      code: 'VALIDATION',
      message: /application\/json/,
    },
    {
      name: 'a form-encoded body',
      send: () => raw('POST', users(), 'firstName=Ada&lastName=Lovelace', 'application/x-www-form-urlencoded'),
      status: 415,
      code: 'VALIDATION',
      message: /application\/json/,
    },
    {
      name: 'a JSON array instead of an object',
      send: () => json('POST', users(), [newUser]),
      status: 400,
      code: 'VALIDATION',
      message: /must be a group of fields/,
      paths: [''],
    },
    {
      name: 'an unknown field (strict objects refuse it)',
      send: () => json('POST', users(), { ...newUser, isAdmin: true }),
      status: 400,
      code: 'VALIDATION',
      message: /isAdmin/,
    },
    {
      name: 'an unknown field in a nested object',
      send: () => json('PATCH', `/v1/orgs/${orgId}`, { version, billingAddress: { line1: 'Main 1', line2: null, city: 'Utrecht', postalCode: '3511', region: null, country: 'NL', floor: 3 } }),
      status: 400,
      code: 'VALIDATION',
      message: /floor/,
      paths: ['billingAddress'],
    },
    {
      name: 'wrong types',
      send: () => json('POST', users(), { firstName: 42, lastName: ['Lovelace'], email: 'ada@contoso-dental.example', active: 'yes', roleIds: 'all' }),
      status: 400,
      code: 'VALIDATION',
      message: /firstName/,
      paths: ['firstName', 'lastName', 'active', 'roleIds'],
    },
    {
      name: 'a version that is not a number',
      send: () => json('PATCH', `/v1/orgs/${orgId}/users/${userId}`, { version: '1', firstName: 'Changed' }),
      status: 400,
      code: 'VALIDATION',
      message: /version/,
      paths: ['version'],
    },
    {
      name: 'an invalid email for a new user',
      send: () => json('POST', users(), { ...newUser, email: 'ada at contoso' }),
      status: 400,
      code: 'VALIDATION',
      message: /email/,
      paths: ['email'],
    },
    {
      name: 'an invalid email among invitations',
      send: () => json('POST', `/v1/orgs/${orgId}/invitations`, { emails: ['fine@contoso-dental.example', 'not-an-email', 'also@@wrong.example'] }),
      status: 400,
      code: 'VALIDATION',
      message: /emails\.1/,
      paths: ['emails.1', 'emails.2'],
    },
    {
      name: 'an invalid account email',
      send: () => json('PATCH', `/v1/orgs/${orgId}`, { version, accountEmail: 'office@' }),
      status: 400,
      code: 'VALIDATION',
      message: /accountEmail/,
      paths: ['accountEmail'],
    },
    {
      name: 'a VAT number with a wrong check format for its country (NL)',
      send: () => json('PATCH', `/v1/orgs/${orgId}`, { version, vatNumber: 'NL12345678B01' }),
      status: 400,
      code: 'VALIDATION',
      message: /vatNumber/,
      paths: ['vatNumber'],
    },
    {
      name: 'a VAT number with an unknown country prefix',
      send: () => json('PATCH', `/v1/orgs/${orgId}`, { version, vatNumber: 'ZZ123456789' }),
      status: 400,
      code: 'VALIDATION',
      message: /vatNumber/,
      paths: ['vatNumber'],
    },
    {
      name: 'a VAT number that is not text',
      send: () => json('PATCH', `/v1/orgs/${orgId}`, { version, vatNumber: 123456789 }),
      status: 400,
      code: 'VALIDATION',
      message: /vatNumber/,
      paths: ['vatNumber'],
    },
    {
      name: 'a 10,000-element emails array for invitations',
      send: () => json('POST', `/v1/orgs/${orgId}/invitations`, { emails: Array.from({ length: 10_000 }, (_, i) => `invitee${i}@contoso-dental.example`) }),
      status: 400,
      code: 'VALIDATION',
      message: /emails/,
      paths: ['emails'],
    },
    {
      name: 'a 10,000-element roleIds array',
      send: () => json('POST', users(), { ...newUser, roleIds: Array.from({ length: 10_000 }, () => crypto.randomUUID()) }),
      status: 400,
      code: 'VALIDATION',
      message: /roleIds/,
      paths: ['roleIds'],
    },
    {
      name: 'a body over the 1 MiB limit',
      send: () => json('POST', users(), { ...newUser, lastName: 'x'.repeat(1024 * 1024 + 10) }),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: /1 MiB/,
    },
    {
      name: 'a sync push over the 1 MiB limit',
      send: () =>
        json('POST', '/v1/sync/push', {
          clientId: crypto.randomUUID(),
          schemaVersion: 1,
          mutations: [{ id: 1, name: 'createUser', args: { orgId, ...newUser, lastName: 'y'.repeat(1024 * 1024) } }],
        }),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: /1 MiB/,
    },
    {
      name: 'a path id that is not a UUID (read)',
      send: () => test.call('GET', '/v1/orgs/contoso-dental/users', as(owner.accessToken)),
      status: 400,
      code: 'VALIDATION',
      message: /orgId/,
      paths: ['orgId'],
    },
    {
      name: 'a path id that is not a UUID (change)',
      send: () => json('POST', `/v1/orgs/${orgId}/users/12345/deactivate`, {}),
      status: 400,
      code: 'VALIDATION',
      message: /userId/,
      paths: ['userId'],
    },
    {
      name: 'an unknown query parameter',
      send: () => test.call('GET', `${users()}?role=admin`, as(owner.accessToken)),
      status: 400,
      code: 'VALIDATION',
      message: /role/,
    },
    {
      name: 'a query value outside its set',
      send: () => test.call('GET', `${users()}?status=sleeping`, as(owner.accessToken)),
      status: 400,
      code: 'VALIDATION',
      message: /status/,
      paths: ['status'],
    },
    {
      name: 'an unknown route',
      send: () => test.call('GET', '/v1/organisations', as(owner.accessToken)),
      status: 404,
      code: 'NOT_FOUND',
      message: /\/v1\/organisations/,
    },
    {
      name: 'an unknown method on a known path',
      send: () => json('PUT', `/v1/orgs/${orgId}`, { version, name: 'Replaced' }),
      status: 404,
      code: 'NOT_FOUND',
      message: /PUT/,
    },
  ];

  it.each(cases)('$name: $status $code', async ({ send, status, code, message, paths }) => {
    const before = await state();
    const response = await send();
    expect(response.status, JSON.stringify(response.body)?.slice(0, 400)).toBe(status);
    // DESIGN.md's error shape, and nothing more.
    expect(apiErrorBodySchema.strict().safeParse(response.body).success, JSON.stringify(response.body)?.slice(0, 400)).toBe(true);
    expect(Object.keys(response.body)).toEqual(['error']);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toMatch(message);
    if (paths !== undefined) {
      const named = (response.body.error.details as { path: string; message: string }[]).map((issue) => issue.path);
      expect(named).toEqual(expect.arrayContaining(paths));
      for (const issue of response.body.error.details) expect(issue.message).not.toBe('');
    }
    // A refusal answers in one short body, not an echo of a large input.
    expect(JSON.stringify(response.body).length).toBeLessThan(20_000);
    expect(await state()).toEqual(before);
  });

  it('still accepts the same requests once they are right (the refusals were about the input)', async () => {
    const created = await json('POST', users(), newUser);
    expect(created.status).toBe(201);
    const [org] = await test.store.query<{ version: number }>('SELECT version FROM orgs WHERE id = $1', [orgId]);
    expect(org?.version).toBe(version);
    const patched = await json('PATCH', `/v1/orgs/${orgId}`, { version, vatNumber: 'NL123456789B01' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.vatNumber).toBe('NL123456789B01');
  });
});
