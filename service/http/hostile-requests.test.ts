import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorBodySchema } from '@shared/errors';
import { startTestService, testDatabases, type Session, type TestService } from '../../test/support/service';
import { DEMO_NOW } from '../../test/support/commands';
import { MAX_JSON_DEPTH } from './json-body';
import { rawRequest, rawSocket, type RawAnswer } from './raw-http';

/** Nested arrays `depth` levels deep, as JSON text (built as text: a value that deep cannot be stringified). */
const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);

describe.each(testDatabases())('hostile requests get a 4xx in the error shape, never a 500, and change nothing (%s)', (database) => {
  let test: TestService;
  let owner: Session;
  let orgId: string;

  const state = async () => ({
    users: await test.store.query('SELECT count(*)::int AS n FROM users'),
    audit: await test.store.query('SELECT count(*)::int AS n FROM audit_events'),
    mutations: await test.store.query('SELECT count(*)::int AS n FROM sync_mutations'),
    orgs: await test.store.query('SELECT id, version FROM orgs ORDER BY id'),
  });

  const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    rawRequest(test.url, method, path, {
      ...(body === undefined ? {} : { body }),
      headers: { authorization: `Bearer ${owner.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    });

  /** The answer is a 4xx in DESIGN.md's error shape, short, and does not contain `echo`. */
  function expectRefused(answer: RawAnswer, status: number, code: string, echo?: string) {
    expect(answer.status, answer.text.slice(0, 300)).toBe(status);
    const parsed = apiErrorBodySchema.strict().safeParse(JSON.parse(answer.text));
    expect(parsed.success, answer.text.slice(0, 300)).toBe(true);
    expect(parsed.data?.error.code).toBe(code);
    expect(answer.text.length).toBeLessThan(2_000);
    if (echo !== undefined) expect(answer.text).not.toContain(echo);
    return parsed.data!.error;
  }

  beforeAll(async () => {
    test = await startTestService({ database, now: DEMO_NOW });
    owner = await test.signIn('owner@northwind.example');
    const [org] = await test.store.query<{ id: string }>("SELECT id FROM orgs WHERE name = 'Contoso Dental'");
    orgId = org!.id;
  }, 120_000);
  afterAll(async () => {
    await test?.close();
  });

  describe('JSON bodies nested too deep', () => {
    const push = (args: string) =>
      `{"clientId":"${crypto.randomUUID()}","schemaVersion":1,"mutations":[{"id":1,"name":"createUser","args":${args}}]}`;

    it('push args nested 4,000 and 100,000 levels deep: 400, not a stack overflow', async () => {
      const before = await state();
      for (const depth of [4_000, 100_000]) {
        const error = expectRefused(await send('POST', '/v1/sync/push', push(nested(depth))), 400, 'VALIDATION');
        expect(error.message).toMatch(new RegExp(`${MAX_JSON_DEPTH} levels`));
      }
      // Objects inside objects, and the same depth inside a string, which is no nesting at all.
      expectRefused(await send('POST', '/v1/sync/push', push('{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000))), 400, 'VALIDATION');
      expect(await state()).toEqual(before);
    });

    it(`refuses one level past ${MAX_JSON_DEPTH}, and reads ${MAX_JSON_DEPTH} levels as an ordinary body`, async () => {
      const path = `/v1/orgs/${orgId}/users`;
      // The body itself is level 1: an object holding `depth - 1` arrays.
      const tooDeep = expectRefused(await send('POST', path, `{"firstName":${nested(MAX_JSON_DEPTH)}}`), 400, 'VALIDATION');
      expect(tooDeep.message).toMatch(/nested/);
      const deepest = expectRefused(await send('POST', path, `{"firstName":${nested(MAX_JSON_DEPTH - 1)}}`), 400, 'VALIDATION');
      expect(deepest.message).not.toMatch(/nested/);
      expect(deepest.message).toMatch(/firstName/);
      // Brackets inside strings are text, not nesting.
      const text = expectRefused(await send('POST', path, JSON.stringify({ firstName: '['.repeat(500), lastName: '{'.repeat(500) })), 400, 'VALIDATION');
      expect(text.message).not.toMatch(/nested/);
    });

    it('refuses prototype keys and control characters in keys without echoing them', async () => {
      const before = await state();
      const path = `/v1/orgs/${orgId}/users`;
      expectRefused(await send('POST', path, '{"__proto__":{"isAdmin":true},"firstName":"A","lastName":"B","email":"p@contoso-dental.example"}'), 400, 'VALIDATION');
      expectRefused(await send('POST', path, '{"constructor":{"prototype":{"isAdmin":true}}}'), 400, 'VALIDATION');
      expectRefused(await send('POST', path, '{"first\\u0000Name":"A"}'), 400, 'VALIDATION', '\\u0000');
      const long = expectRefused(await send('POST', path, JSON.stringify({ ['k'.repeat(50_000)]: 1 })), 400, 'VALIDATION', 'k'.repeat(200));
      expect(long.message).toMatch(/field name/);
      expect(await state()).toEqual(before);
    });

    it('an invitation link or new password with a control character is refused under the text rule', async () => {
      for (const body of [{ token: 'abc\u0000def', password: 'a long enough password' }, { token: 'abc', password: 'a long enough\u0007password' }]) {
        const answer = await rawRequest(test.url, 'POST', '/v1/invitations/accept', { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
        expect(expectRefused(answer, 400, 'VALIDATION').message).toMatch(/cannot contain control characters/);
      }
    });

    it('does not echo the body of malformed JSON', async () => {
      const error = expectRefused(await send('POST', `/v1/orgs/${orgId}/users`, '{"firstName": "<script>alert(1)</script>", oops}'), 400, 'VALIDATION', 'script');
      expect(error.message).toMatch(/not valid JSON/);
    });
  });

  describe("Fastify's and Node's own refusals", () => {
    it('a path with broken percent-encoding: 400, in our shape, without the path', async () => {
      const error = expectRefused(await send('GET', '/v1/orgs/%E0%A4%A'), 400, 'VALIDATION', '%E0');
      expect(error.message).toMatch(/percent-encoding/);
      expectRefused(await send('GET', `/v1/orgs/${orgId}/users/%E0%A4%A`), 400, 'VALIDATION', '%E0');
    });

    it('a 10 KB path segment: 414, in our shape, without the URL', async () => {
      const long = 'a'.repeat(10_000);
      for (const path of [`/v1/orgs/${long}`, `/v1/orgs/${long}/users`, `/v1/orgs/${orgId}/users/${long}/activate`]) {
        const method = path.endsWith('activate') ? 'POST' : 'GET';
        const error = expectRefused(await send(method, path), 414, 'VALIDATION', 'aaaaaaaaaa');
        expect(error.message).toMatch(/longer than 100 characters/);
      }
    });

    it('an address or headers over the limit: 431, in our shape', async () => {
      const answer = await rawSocket(test.url, `GET /v1/orgs?${'q'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 431 /);
      const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      expect(apiErrorBodySchema.strict().parse(JSON.parse(body)).error.code).toBe('VALIDATION');
      expect(answer).not.toContain('qqqqqqqqqq');
    });

    it('bytes that are not HTTP: 400, in our shape', async () => {
      const answer = await rawSocket(test.url, 'HELLO <script> WORLD\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      expect(apiErrorBodySchema.strict().parse(JSON.parse(body)).error).toEqual({ code: 'VALIDATION', message: 'The request is not valid HTTP.' });
    });

    it('a body that is not JSON: 415; an empty or broken JSON body: 400', async () => {
      const path = `/v1/orgs/${orgId}/users`;
      for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-seq', 'nonsense']) {
        expectRefused(await send('POST', path, '{"firstName":"A"}', { 'content-type': type }), 415, 'VALIDATION');
      }
      // A body with no content type at all.
      const untyped = await rawRequest(test.url, 'POST', path, { body: '{"firstName":"A"}', headers: { authorization: `Bearer ${owner.accessToken}` } });
      expectRefused(untyped, 415, 'VALIDATION');
      expect(expectRefused(await send('POST', path, ''), 400, 'VALIDATION').message).toMatch(/empty/);
      expect(expectRefused(await send('POST', path, '{"firstName":'), 400, 'VALIDATION').message).toMatch(/not valid JSON/);
    });

    it('an unknown route with a hostile address: 404 that does not echo it', async () => {
      const error = expectRefused(await send('GET', `/v1/nothing/<script>${'b'.repeat(3_000)}`), 404, 'NOT_FOUND', '<script>');
      expect(error.message).toBe('No such route.');
      expect(expectRefused(await send('GET', '/v1/organisations'), 404, 'NOT_FOUND').message).toBe('No such route GET /v1/organisations.');
    });
  });

  describe('bodies and query parameters a route does not take', () => {
    const json = (method: string, path: string, body: unknown) => send(method, path, JSON.stringify(body));

    it('a route without a body refuses one: DELETE with [], cancel with [1,2,3], resend with a foreign orgId; nothing changes', async () => {
      const created = await test.call('POST', `/v1/orgs/${orgId}/roles`, { token: owner.accessToken, body: { name: 'Hostile body target', permissions: ['users.view'] } });
      expect(created.status).toBe(201);
      const [subscription] = await test.store.query<{ id: string }>("SELECT id FROM subscriptions WHERE org_id = $1 AND status = 'active' LIMIT 1", [orgId]);
      const [pending] = await test.store.query<{ id: string }>("SELECT id FROM users WHERE org_id = $1 AND status = 'pending' LIMIT 1", [orgId]);
      const [foreign] = await test.store.query<{ id: string }>("SELECT id FROM orgs WHERE name = 'Alpine Ski House'");
      expect(subscription && pending && foreign).toBeTruthy();
      const before = await state();
      const mailBefore = await test.store.query('SELECT count(*)::int AS n FROM mail_outbox');
      const refusals: [string, string, unknown][] = [
        ['DELETE', `/v1/orgs/${orgId}/roles/${created.body.id}`, []],
        ['DELETE', `/v1/orgs/${orgId}/roles/${created.body.id}`, { version: 1 }],
        ['POST', `/v1/orgs/${orgId}/subscriptions/${subscription!.id}/cancel`, [1, 2, 3]],
        ['POST', `/v1/orgs/${orgId}/subscriptions/${subscription!.id}/cancel`, null],
        ['POST', `/v1/orgs/${orgId}/subscriptions/${subscription!.id}/cancel`, 'now'],
        ['POST', `/v1/orgs/${orgId}/invitations/${pending!.id}/resend`, { orgId: foreign!.id }],
        ['POST', '/v1/auth/logout', { everywhere: true }],
      ];
      for (const [method, path, body] of refusals) {
        const error = expectRefused(await json(method, path, body), 400, 'VALIDATION');
        expect(error.message, `${method} ${path} ${JSON.stringify(body)}`).toMatch(/takes no body/);
      }
      // A body field that names a path parameter is refused too, not silently replaced by the path's.
      const moved = expectRefused(await json('POST', `/v1/orgs/${orgId}/users`, { orgId: foreign!.id, firstName: 'Eve', lastName: 'X', email: 'eve@alpine-ski-house.example' }), 400, 'VALIDATION');
      expect(moved.message).toMatch(/orgId/);
      expect(await state()).toEqual(before);
      expect(await test.store.query('SELECT count(*)::int AS n FROM mail_outbox')).toEqual(mailBefore);
      // No body, an empty JSON body and {} (clients that always send JSON) are no body.
      const none = await rawRequest(test.url, 'DELETE', `/v1/orgs/${orgId}/roles/${created.body.id}`, { headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' }, body: '' });
      expect(none.status, none.text).toBe(200);
      expect((await json('POST', `/v1/orgs/${orgId}/subscriptions/${subscription!.id}/cancel`, {})).status).toBe(200);
    });

    it('a GET with a body is refused', async () => {
      for (const body of ['{}', '{"q":"x"}']) {
        const error = expectRefused(await send('GET', `/v1/orgs/${orgId}/users`, body), 400, 'VALIDATION');
        expect(error.message).toMatch(/takes no body/);
      }
      const chunked = await rawRequest(test.url, 'GET', '/v1/orgs', { headers: { authorization: `Bearer ${owner.accessToken}`, 'transfer-encoding': 'chunked' }, body: '2\r\n{}\r\n0\r\n\r\n' });
      expectRefused(chunked, 400, 'VALIDATION');
    });

    it('unknown query parameters are refused, also on routes that take none', async () => {
      for (const path of [`/v1/orgs/${orgId}/users?role=admin`, `/v1/orgs/${orgId}/audit?page=2`, '/v1/orgs?x=1', `/v1/orgs/${orgId}?expand=users`, '/healthz?verbose', '/v1/me?access_token=abc']) {
        const answer = await send('GET', path);
        expectRefused(answer, 400, 'VALIDATION', 'abc');
      }
      const body = expectRefused(await json('POST', `/v1/orgs/${orgId}/users?dryRun=true`, { firstName: 'Q', lastName: 'P', email: 'qp@contoso-dental.example' }), 400, 'VALIDATION');
      expect(body.message).toMatch(/query parameters/);
    });

    it('every query value and name passes the text rule: no NUL, no control characters, never echoed', async () => {
      const before = await state();
      const cases: [string, Record<string, string>][] = [
        [`/v1/orgs/${orgId}/users?q=a%00b`, {}],
        [`/v1/orgs/${orgId}/users?q=%1b%5b31m`, {}],
        [`/v1/orgs/${orgId}/users?status=active%00`, {}],
        [`/v1/orgs/${orgId}/users?q%00=x`, {}],
        [`/v1/orgs/${orgId}/audit?cursor=%00`, {}],
        [`/v1/sync/pull?clientId=${crypto.randomUUID()}&cursor=0%00`, {}],
        ['/v1/operator/mail?to=a%00b', { authorization: 'Bearer operator-token-for-tests-0123456789' }],
        [`/v1/orgs/${orgId}/users?${'k'.repeat(500)}=1`, {}],
      ];
      for (const [path, headers] of cases) {
        const error = expectRefused(await send('GET', path, undefined, headers), 400, 'VALIDATION', 'kkkkkkkkkk');
        expect(JSON.stringify(error), path).not.toMatch(/\\u0000|\\u001b/);
      }
      expect(await state()).toEqual(before);
      // The same parameters with clean values still work.
      expect((await send('GET', `/v1/orgs/${orgId}/users?q=a%20b&status=active`)).status).toBe(200);
    });
  });
});
