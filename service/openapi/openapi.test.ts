import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { COMMANDS, COMMAND_NAMES, pathParamsOf } from '@shared/commands/catalogue';
import { ERROR_CODES, apiErrorBodySchema, type ErrorCode } from '@shared/errors';
import { startTestService, testDatabases, type Session, type TestService } from '../../test/support/service';
import { DEMO_NOW } from '../../test/support/commands';
import { commandBodySchema } from '../commands/routes';
import type { RouteDef } from '../http/route';
import { API_ROUTES } from '../routes';
import { STATUS_REFUSALS } from '../http/errors';
import { API_VERSION, buildOpenApiDocument, errorStatusesOf, openApiPath } from './document';
import { openApiRoute } from './route';

type Json = Record<string, unknown>;
type Operation = {
  operationId: string;
  summary: string;
  tags: string[];
  security: Json[];
  parameters?: { name: string; in: string; required: boolean; schema: Json }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { description: string; content: Record<string, { schema: Json }> }>;
};
type Document = Json & { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json> } };

const OPENAPI_ROUTE = 'GET /v1/openapi.json';
const REDOCLY = fileURLToPath(new URL('../../node_modules/@redocly/cli/bin/cli.js', import.meta.url));
const routeKey = (route: Pick<RouteDef, 'method' | 'url'>) => `${route.method} ${route.url}`;

/** What the document must say for a zod schema: zod's own conversion, written here independently. */
function expectedJson(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  return json;
}

/** The schema with every component $ref replaced by the component itself. */
function dereference(node: unknown, document: Document): unknown {
  if (Array.isArray(node)) return node.map((item) => dereference(item, document));
  if (node === null || typeof node !== 'object') return node;
  const ref = (node as Json)['$ref'];
  if (typeof ref === 'string') {
    const target = document.components.schemas[ref.replace('#/components/schemas/', '')];
    expect(target, ref).toBeDefined();
    return dereference(target, document);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, dereference(value, document)]));
}

function operationOf(document: Document, method: string, url: string): Operation {
  const operation = document.paths[openApiPath(url)]?.[method.toLowerCase()];
  if (operation === undefined) throw new Error(`the document has no ${method} ${url}`);
  return operation;
}

function routeOf(method: string, url: string): RouteDef {
  const route = API_ROUTES.find((candidate) => candidate.method === method && candidate.url === url);
  if (route === undefined) throw new Error(`no route ${method} ${url}`);
  return route;
}

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument(API_ROUTES) as Document;
  const operations = Object.entries(document.paths).flatMap(([url, item]) => Object.entries(item).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${url}`, operation })));

  it('is OpenAPI 3.1 with the service title and version', () => {
    expect(document['openapi']).toBe('3.1.0');
    expect(document['info']).toMatchObject({ title: 'Seatdesk billing service', version: API_VERSION });
    expect(document['servers']).toEqual([{ url: '/' }]);
  });

  it('lists every route, and nothing else, with a unique operationId', () => {
    expect(operations.map((entry) => entry.key).sort()).toEqual(API_ROUTES.map((route) => `${route.method} ${openApiPath(route.url)}`).sort());
    const ids = operations.map((entry) => entry.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { key, operation } of operations) {
      expect(operation.tags, key).toHaveLength(1);
      expect(operation.summary, key).not.toBe('');
    }
  });

  it('lists every command of the catalogue under its name, with its real body (args without the path parameters)', () => {
    for (const name of COMMAND_NAMES) {
      const command = COMMANDS[name];
      const operation = operationOf(document, command.method, command.path);
      expect(operation.operationId).toBe(name);
      expect(operation.summary).toBe(name);
      const args = expectedJson(command.args, 'input') as { properties: Record<string, Json>; required?: string[] };
      const params = pathParamsOf(name);
      const bodyFields = Object.keys(args.properties).filter((key) => !params.includes(key));
      const body = operation.requestBody?.content['application/json']?.schema as { properties?: Record<string, Json>; required?: string[]; additionalProperties?: boolean } | undefined;
      if (bodyFields.length === 0) {
        expect(operation.requestBody, name).toBeUndefined();
        continue;
      }
      expect(dereference(body, document), name).toEqual(expectedJson(commandBodySchema(name)!, 'input'));
      // The same fields, constraints and required list as the args themselves, path parameters aside.
      expect(body?.properties, name).toEqual(Object.fromEntries(bodyFields.map((key) => [key, args.properties[key]])));
      expect(body?.required ?? [], name).toEqual((args.required ?? []).filter((key) => !params.includes(key)));
      expect(body?.additionalProperties, name).toBe(false);
      expect(operation.requestBody?.required, name).toBe((args.required ?? []).some((key) => !params.includes(key)));
    }
  });

  it('keeps a command body schema as strict as its args: unknown keys and refinements refuse', () => {
    const invite = commandBodySchema('inviteUsers')!;
    expect(invite.safeParse({ emails: ['a@contoso-dental.example'] }).success).toBe(true);
    expect(invite.safeParse({ emails: ['a@contoso-dental.example'], ids: [] }).success).toBe(false);
    expect(invite.safeParse({ emails: ['a@contoso-dental.example'], orgId: crypto.randomUUID() }).success).toBe(false);
    expect(commandBodySchema('activateUser')).toBeUndefined();
  });

  it('says exactly what each route validates and answers: its zod schemas converted by zod', () => {
    for (const route of API_ROUTES) {
      const operation = operationOf(document, route.method, route.url);
      const key = routeKey(route);
      for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
        const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === where);
        if (schema === undefined) {
          expect(declared, key).toEqual([]);
          continue;
        }
        const json = expectedJson(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
        expect(Object.fromEntries(declared.map((parameter) => [parameter.name, dereference(parameter.schema, document)])), key).toEqual(json.properties ?? {});
        for (const parameter of declared) expect(parameter.required, `${key} ${parameter.name}`).toBe(where === 'path' || (json.required ?? []).includes(parameter.name));
      }
      expect([...route.url.matchAll(/:(\w+)/g)].map((match) => match[1]).sort(), key).toEqual(
        (operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name).sort(),
      );
      if (route.body !== undefined && COMMAND_NAMES.every((name) => routeKey({ method: COMMANDS[name].method, url: COMMANDS[name].path }) !== key)) {
        expect(dereference(operation.requestBody?.content['application/json']?.schema, document), key).toEqual(expectedJson(route.body, 'input'));
      }
      const success = operation.responses[String(route.status ?? 200)];
      if (route.response === undefined) {
        expect(Object.keys(success?.content ?? {}), key).toEqual(['text/event-stream']);
      } else {
        expect(dereference(success?.content['application/json']?.schema, document), key).toEqual(expectedJson(route.response, 'output'));
      }
      const security = route.auth === 'bearer' ? [{ bearerAuth: [] }] : route.auth === 'operator' ? [{ operatorAuth: [] }] : [];
      expect(operation.security, key).toEqual(security);
    }
  });

  it('documents every status and error a route can answer, each with the shared Error schema narrowed to its codes', () => {
    expect(document.components.schemas['Error']).toEqual(expectedJson(apiErrorBodySchema, 'output'));
    for (const route of API_ROUTES) {
      const key = routeKey(route);
      const operation = operationOf(document, route.method, route.url);
      const statuses = Object.keys(operation.responses);
      // Every route checks its query (and refuses a body it does not take); Node and the drain refuse before any route.
      expect(statuses, key).toEqual(expect.arrayContaining(['400', '408', '431', '500', '503']));
      if (route.auth !== 'none') expect(statuses, key).toContain('401');
      if (route.method !== 'GET') expect(statuses, key).toEqual(expect.arrayContaining(['413', '415']));
      else expect(statuses, key).not.toEqual(expect.arrayContaining(['413']));
      expect(statuses.includes('414'), key).toBe(route.url.includes('/:'));
      for (const code of route.errors ?? []) expect(statuses, `${key} ${code}`).toContain(String(ERROR_CODES[code as ErrorCode].status));
      for (const [status, entry] of errorStatusesOf(route)) {
        const response = operation.responses[String(status)];
        expect(response?.content['application/json']?.schema, `${key} ${status}`).toEqual({
          allOf: [{ $ref: '#/components/schemas/Error' }, { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: [...entry.codes].sort() } } } } }],
        });
        for (const code of entry.codes) expect(response?.description, `${key} ${status}`).toContain(code);
      }
      expect(statuses.filter((status) => Number(status) >= 400).sort(), key).toEqual([...errorStatusesOf(route).keys()].map(String).sort());
    }
    // Sign-in and refresh answer 401 for a wrong password or token; sign-in 429 with Retry-After.
    for (const url of ['/v1/auth/login', '/v1/auth/refresh']) expect(Object.keys(operationOf(document, 'POST', url).responses)).toContain('401');
    const tooMany = operationOf(document, 'POST', '/v1/auth/login').responses['429'] as { headers?: Record<string, { required: boolean; schema: Json }> };
    expect(tooMany.headers?.['Retry-After']).toMatchObject({ required: true, schema: { type: 'integer' } });
    // The statuses of the refusals come from http/errors.ts, where the service answers them.
    expect(Object.values(STATUS_REFUSALS).map((refusal) => refusal.status)).toEqual([408, 414, 415, 431, 503]);
  });

  it(
    'passes the Redocly OpenAPI linter (recommended rules) with no errors',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'seatdesk-openapi-'));
      try {
        const file = path.join(dir, 'openapi.json');
        const config = path.join(dir, 'redocly.yaml');
        await writeFile(file, JSON.stringify(document, null, 2));
        // The recommended rule set, unchanged: its warnings (no license, /healthz without a 4xx) may stay.
        await writeFile(config, 'extends:\n  - recommended\n');
        const { stdout } = await promisify(execFile)(process.execPath, [REDOCLY, 'lint', file, '--format=json', `--config=${config}`], {
          cwd: dir,
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
          maxBuffer: 64 * 1024 * 1024,
        });
        const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] };
        const errors = report.problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}: ${problem.message}`);
        expect(errors).toEqual([]);
        expect(report.totals.errors).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

describe.each(testDatabases())('real responses conform to the served document (%s)', (database) => {
  let test: TestService;
  let owner: Session;
  let document: Document;
  let validate: (method: string, url: string, status: number, body: unknown) => string[];

  beforeAll(async () => {
    test = await startTestService({ database, now: DEMO_NOW });
    owner = await test.signIn('owner@northwind.example');
    const served = await test.call('GET', '/v1/openapi.json');
    expect(served.status).toBe(200);
    document = served.body as Document;

    // JSON Schema 2020-12 validation of the bodies against the document itself (ajv comes with Fastify).
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats(ajv);
    const toLocal = (node: unknown): unknown =>
      JSON.parse(JSON.stringify(node).replaceAll('"#/components/schemas/', '"https://seatdesk.test/components#/$defs/'));
    ajv.addSchema({ $id: 'https://seatdesk.test/components', $defs: toLocal(document.components.schemas) as Json });
    const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
    validate = (method, url, status, body) => {
      const key = `${method} ${url} ${status}`;
      let check = compiled.get(key);
      if (check === undefined) {
        const schema = operationOf(document, method, url).responses[String(status)]?.content['application/json']?.schema;
        if (schema === undefined) throw new Error(`the document has no JSON response ${key}`);
        check = ajv.compile({ $id: `https://seatdesk.test/responses/${compiled.size}`, ...(toLocal(schema) as Json) });
        compiled.set(key, check);
      }
      return check(body) ? [] : (check.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
    };
  }, 120_000);
  afterAll(async () => {
    await test?.close();
  });

  /**
   * Calls a route and checks the answer three ways: against the document's schema for that
   * operation and status (ajv), against the route's own zod schema (parsing it changes nothing, so
   * no undocumented field was stripped), and the document's schema is zod's conversion of it.
   */
  async function expectConforming(method: string, url: string, path: string, status: number, options: { token?: string | null; body?: unknown } = {}) {
    const token = options.token === undefined ? owner.accessToken : options.token;
    const response = await test.call(method, path, { ...(token === null ? {} : { token }), ...(options.body === undefined ? {} : { body: options.body }) });
    expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)?.slice(0, 500)}`).toBe(status);
    expect(validate(method, url, status, response.body), `${method} ${path}`).toEqual([]);
    const route = routeOf(method, url);
    const schema = status >= 400 ? apiErrorBodySchema : route.response!;
    expect(schema.parse(response.body)).toEqual(response.body);
    const documented = operationOf(document, method, url).responses[String(status)]?.content['application/json']?.schema;
    // An error status documents the Error schema narrowed to its codes (allOf).
    const full = status >= 400 ? (documented as { allOf: Json[] }).allOf[0] : documented;
    expect(dereference(full, document)).toEqual(expectedJson(schema, 'output'));
    return response.body;
  }

  const orgIdOf = async (name: string) => {
    const [row] = await test.store.query<{ id: string }>('SELECT id FROM orgs WHERE name = $1', [name]);
    return row!.id;
  };

  it('serves the document of every route of the service, itself included', async () => {
    const self = openApiRoute(API_ROUTES);
    expect(document).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument([...API_ROUTES, self]))));
    expect(operationsOf(document).sort()).toEqual([...API_ROUTES.map((route) => `${route.method} ${openApiPath(route.url)}`), OPENAPI_ROUTE].sort());
  });

  it('sign-in, me, permissions, health and the document itself', async () => {
    await expectConforming('POST', '/v1/auth/login', '/v1/auth/login', 200, { token: null, body: { email: 'billing@northwind.example', password: 'seatdesk-demo' } });
    const me = await expectConforming('GET', '/v1/me', '/v1/me', 200);
    // The validator does refuse what the document does not allow.
    expect(validate('GET', '/v1/me', 200, { ...me, undocumented: true })).not.toEqual([]);
    expect(validate('GET', '/v1/me', 200, { ...me, user: { ...me.user, status: 'sleeping' } })).not.toEqual([]);
    await expectConforming('GET', '/v1/permissions', '/v1/permissions', 200);
    await expectConforming('GET', '/healthz', '/healthz', 200, { token: null });
    const openapi = await test.call('GET', '/v1/openapi.json');
    expect(validate('GET', '/v1/openapi.json', 200, openapi.body)).toEqual([]);
  });

  it('organizations, users, roles, contacts, payment methods and the audit log', async () => {
    const provider = await orgIdOf('Northwind MSP');
    const orgs = await expectConforming('GET', '/v1/orgs', '/v1/orgs', 200);
    expect(orgs.items.length).toBeGreaterThan(5);
    await expectConforming('GET', '/v1/orgs/:orgId', `/v1/orgs/${provider}`, 200);
    const users = await expectConforming('GET', '/v1/orgs/:orgId/users', `/v1/orgs/${provider}/users`, 200);
    await expectConforming('GET', '/v1/orgs/:orgId/users/:userId', `/v1/orgs/${provider}/users/${users.items[0].id}`, 200);
    await expectConforming('GET', '/v1/orgs/:orgId/roles', `/v1/orgs/${provider}/roles`, 200);
    await expectConforming('GET', '/v1/orgs/:orgId/billing-contacts', `/v1/orgs/${provider}/billing-contacts`, 200);
    await expectConforming('GET', '/v1/orgs/:orgId/payment-methods', `/v1/orgs/${provider}/payment-methods`, 200);
    await expectConforming('GET', '/v1/orgs/:orgId/audit', `/v1/orgs/${provider}/audit?limit=20`, 200);
  });

  it('subscriptions and invoices including children, and one invoice in detail', async () => {
    const provider = await orgIdOf('Northwind MSP');
    const subscriptions = await expectConforming('GET', '/v1/orgs/:orgId/subscriptions', `/v1/orgs/${provider}/subscriptions?includeChildren=true`, 200);
    expect(subscriptions.items.some((item: { orgId: string; orgName?: string }) => item.orgId !== provider && item.orgName !== undefined)).toBe(true);
    const invoices = await expectConforming('GET', '/v1/orgs/:orgId/invoices', `/v1/orgs/${provider}/invoices?includeChildren=true`, 200);
    const invoice = invoices.items.find((item: { orgId: string }) => item.orgId !== provider);
    expect(invoice).toBeDefined();
    const detail = await expectConforming('GET', '/v1/orgs/:orgId/invoices/:invoiceId', `/v1/orgs/${invoice.orgId}/invoices/${invoice.id}`, 200);
    expect(detail.lines.length).toBeGreaterThan(0);
  });

  it('a create (201), an invitation, a PATCH and a sync pull', async () => {
    const orgId = await orgIdOf('Wingtip Toys');
    await expectConforming('POST', '/v1/orgs/:orgId/users', `/v1/orgs/${orgId}/users`, 201, {
      body: { firstName: 'Grace', lastName: 'Hopper', email: 'grace.hopper@wingtip-toys.example' },
    });
    await expectConforming('POST', '/v1/orgs/:orgId/invitations', `/v1/orgs/${orgId}/invitations`, 201, {
      body: { emails: ['one.invitee@wingtip-toys.example', 'two.invitee@wingtip-toys.example'] },
    });
    const org = (await test.call('GET', `/v1/orgs/${orgId}`, { token: owner.accessToken })).body;
    const updated = await expectConforming('PATCH', '/v1/orgs/:orgId', `/v1/orgs/${orgId}`, 200, { body: { version: org.version, name: 'Wingtip Toys Europe' } });
    expect(updated).toMatchObject({ name: 'Wingtip Toys Europe', version: org.version + 1 });
    await expectConforming('GET', '/v1/sync/pull', `/v1/sync/pull?cursor=0&limit=50&clientId=${crypto.randomUUID()}`, 200);
  });

  it('errors: 404, 400, 401 and 409 in the shared Error shape', async () => {
    const orgId = await orgIdOf('Coho Winery');
    const missing = await expectConforming('GET', '/v1/orgs/:orgId', `/v1/orgs/${crypto.randomUUID()}`, 404);
    expect(missing.error.code).toBe('NOT_FOUND');
    const invalid = await expectConforming('POST', '/v1/orgs/:orgId/users', `/v1/orgs/${orgId}/users`, 400, { body: { firstName: '', lastName: 'X', email: 'not-an-email' } });
    expect(invalid.error.code).toBe('VALIDATION');
    expect(invalid.error.details.map((issue: { path: string }) => issue.path)).toEqual(expect.arrayContaining(['firstName', 'email']));
    const anonymous = await expectConforming('GET', '/v1/orgs/:orgId/users', `/v1/orgs/${orgId}/users`, 401, { token: null });
    expect(anonymous.error.code).toBe('UNAUTHENTICATED');
    const org = (await test.call('GET', `/v1/orgs/${orgId}`, { token: owner.accessToken })).body;
    const stale = await expectConforming('PATCH', '/v1/orgs/:orgId', `/v1/orgs/${orgId}`, 409, { body: { version: org.version - 1 > 0 ? org.version - 1 : 99, name: 'Stale' } });
    expect(stale.error.code).toBe('VERSION_CONFLICT');
  });
});

function operationsOf(document: Document): string[] {
  return Object.entries(document.paths).flatMap(([url, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${url}`));
}
