import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { COMMANDS, COMMAND_NAMES, type CommandName } from '@shared/commands/catalogue';
import { ENTITY_SCHEMAS, type EntityName } from '@shared/domain/entities';
import { ERROR_CODES, apiErrorBodySchema, errorCodeSchema, type ErrorCode } from '@shared/errors';
import { commandBodySchema } from '../commands/routes';
import { STATUS_REFUSALS } from '../http/errors';
import type { RouteDef } from '../http/route';

/** The version of the v1 API contract (the service cannot read the root package.json). */
export const API_VERSION = '1.0.0';

export type JsonSchema = Record<string, unknown>;
export type SchemaIo = 'input' | 'output';

/**
 * The one conversion from zod to the document: requests as the service accepts them (io 'input':
 * defaults optional), responses as it answers them (io 'output'). `$schema` is dropped because
 * every schema of an OpenAPI 3.1 document already uses the document's 2020-12 dialect.
 */
export function toJsonSchema(schema: z.ZodType, io: SchemaIo): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return json;
}

/** Entities answered by many routes, as components; the name each has in the document. */
const ENTITY_COMPONENTS: Record<EntityName, string> = {
  organization: 'Organization',
  user: 'User',
  role: 'Role',
  billing_contact: 'BillingContact',
  subscription: 'Subscription',
  invoice: 'Invoice',
  payment_method: 'PaymentMethod',
};

/** What each route tag groups, for readers of the document; a tag missing here is listed without one. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  meta: 'Health, the permission catalogue and this document',
  auth: 'Sign-in, sessions and invitation links',
  organization: 'Organizations in scope and their account details',
  user: 'Users, their roles and individual permissions, invitations',
  role: 'Built-in and custom roles',
  billing_contact: 'Who receives which kind of billing email',
  subscription: 'Subscriptions: cancel, reactivate, remove a scheduled cancellation',
  invoice: 'Billing history',
  payment_method: 'Payment methods (never a card number)',
  audit_event: 'Who changed what, when, and from where',
  sync: 'Offline-first sync: push queued commands, pull changes, pokes',
  operator: 'For whoever runs the service; enabled by SEATDESK_OPERATOR_TOKEN',
};

export const COMPONENT_REF_PREFIX = '#/components/schemas/';
const ERROR_REF = { $ref: `${COMPONENT_REF_PREFIX}Error` };

/** A route's command when it is one of the catalogue's command routes (same method and path). */
export function commandOfRoute(route: RouteDef): CommandName | undefined {
  return COMMAND_NAMES.find((name) => COMMANDS[name].method === route.method && COMMANDS[name].path === route.url);
}

/** Fastify's `/orgs/:orgId` is OpenAPI's `/orgs/{orgId}`. */
export function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

function pascal(segment: string): string {
  return segment
    .split(/[^a-zA-Z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function listsItems(route: RouteDef): boolean {
  const json = route.response === undefined ? {} : toJsonSchema(route.response, 'output');
  return typeof json['properties'] === 'object' && json['properties'] !== null && 'items' in json['properties'];
}

/**
 * Commands keep their catalogue name; every other route is named from its path: a segment
 * followed by a parameter is one item (orgs/:orgId -> Org), a GET ending in a parameter gets one
 * item, a GET answering {items} lists, e.g. GET /v1/orgs/:orgId/users -> listOrgUsers.
 */
export function operationIdOf(route: RouteDef): string {
  const command = commandOfRoute(route);
  if (command !== undefined) return command;
  const segments = route.url.split('/').filter((segment) => segment !== '' && segment !== 'v1');
  const words = segments.flatMap((segment, index) => {
    if (segment.startsWith(':')) return [];
    const next = segments[index + 1];
    return [next?.startsWith(':') === true ? pascal(segment).replace(/s$/, '') : pascal(segment)];
  });
  const verb = route.method === 'GET' ? (segments.at(-1)?.startsWith(':') !== true && listsItems(route) ? 'list' : 'get') : route.method.toLowerCase();
  return verb + words.join('');
}

function meets(route: RouteDef, routes: 'all' | 'params' | 'body'): boolean {
  return routes === 'all' || (routes === 'params' ? route.url.includes('/:') : route.method !== 'GET');
}

/**
 * The error codes a route can answer, whatever its handler does: parsing (every route checks its
 * query and body, so every route can answer VALIDATION), auth, the body limit, the refusals of
 * http/errors.ts with a status of their own, and a failure.
 */
export function errorCodesOf(route: RouteDef): ErrorCode[] {
  const codes = new Set<ErrorCode>(['VALIDATION', ...(route.errors ?? []).map((code) => errorCodeSchema.parse(code))]);
  if (route.auth !== 'none') codes.add('UNAUTHENTICATED');
  // Fastify reads no body on a GET, so only other methods meet the body limit.
  if (route.method !== 'GET') codes.add('PAYLOAD_TOO_LARGE');
  for (const refusal of Object.values(STATUS_REFUSALS)) if (meets(route, refusal.routes)) codes.add(refusal.code);
  codes.add('INTERNAL');
  return [...codes].sort((a, b) => ERROR_CODES[a].status - ERROR_CODES[b].status || a.localeCompare(b));
}

/** Every error status a route can answer, with the codes each comes with and what each means. */
export function errorStatusesOf(route: RouteDef): Map<number, { codes: ErrorCode[]; description: string }> {
  const statuses = new Map<number, { codes: ErrorCode[]; description: string }>();
  const add = (status: number, code: ErrorCode, description: string) => {
    const entry = statuses.get(status) ?? { codes: [], description: '' };
    if (!entry.codes.includes(code)) entry.codes.push(code);
    entry.description = entry.description === '' ? description : `${entry.description} ${description}`;
    statuses.set(status, entry);
  };
  const own = new Set<ErrorCode>(errorCodesOf(route));
  for (const refusal of Object.values(STATUS_REFUSALS)) {
    if (!meets(route, refusal.routes)) continue;
    add(refusal.status, refusal.code, `${refusal.code}: ${refusal.message}`);
    // OFFLINE comes only with its drain status.
    if (refusal.code !== 'VALIDATION') own.delete(refusal.code);
  }
  for (const code of own) add(ERROR_CODES[code].status, code, `${code}: ${ERROR_CODES[code].summary}`);
  return new Map([...statuses].sort(([a], [b]) => a - b));
}

/** The JSON body a route documents: a command route's is its args without the path parameters. */
export function requestBodySchemaOf(route: RouteDef): z.ZodType | undefined {
  const command = commandOfRoute(route);
  return command === undefined ? route.body : commandBodySchema(command);
}

interface Components {
  schemas: Record<string, JsonSchema>;
}

/** Replaces every subschema equal to a component with a $ref to it, hoisting any $defs zod made. */
function withComponents(schema: JsonSchema, components: Components, entities: readonly [string, JsonSchema][]): JsonSchema {
  const { $defs, ...rest } = schema as JsonSchema & { $defs?: Record<string, JsonSchema> };
  for (const [name, def] of Object.entries($defs ?? {})) {
    const existing = components.schemas[name];
    if (existing !== undefined && !isDeepStrictEqual(existing, def)) throw new Error(`Two different schemas are both named ${name}.`);
    components.schemas[name] = rewriteDefs(def) as JsonSchema;
  }
  const replace = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(replace);
    if (node === null || typeof node !== 'object') return node;
    const entity = entities.find(([, json]) => isDeepStrictEqual(json, node));
    if (entity !== undefined) return { $ref: COMPONENT_REF_PREFIX + entity[0] };
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, replace(value)]));
  };
  return replace(rewriteDefs(rest)) as JsonSchema;
}

function rewriteDefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteDefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/') ? COMPONENT_REF_PREFIX + value.slice('#/$defs/'.length) : rewriteDefs(value),
    ]),
  );
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query', component: (json: JsonSchema) => JsonSchema): JsonSchema[] {
  if (schema === undefined) return [];
  const json = toJsonSchema(schema, 'input');
  const required = new Set((json['required'] as string[] | undefined) ?? []);
  return Object.entries((json['properties'] as Record<string, JsonSchema> | undefined) ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof property['description'] === 'string' ? { description: property['description'] } : {}),
    schema: component(property),
  }));
}

/**
 * The Error schema, narrowed to the codes a status comes with, so that a validator refuses an
 * answer whose code the document does not list for it.
 */
function errorBodyWith(codes: readonly ErrorCode[]): JsonSchema {
  return {
    allOf: [
      ERROR_REF,
      { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: [...codes].sort() } } } } },
    ],
  };
}

/** The header a 429 carries: how long to wait (auth/rate-limit.ts). */
const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds to wait before trying again', required: true, schema: { type: 'integer', minimum: 0 } },
};

/**
 * The OpenAPI 3.1 document of the given routes, generated only from their zod schemas (and, for
 * command routes, the catalogue's args): nothing in it is written twice.
 */
export function buildOpenApiDocument(routes: readonly RouteDef[]): JsonSchema {
  const components: Components = { schemas: { Error: toJsonSchema(apiErrorBodySchema, 'output') } };
  const entities = Object.entries(ENTITY_COMPONENTS).map(([entity, name]): [string, JsonSchema] => {
    const json = toJsonSchema(ENTITY_SCHEMAS[entity as EntityName], 'output');
    components.schemas[name] = json;
    return [name, json];
  });
  const component = (json: JsonSchema) => withComponents(json, components, entities);

  const paths: Record<string, Record<string, JsonSchema>> = {};
  const operationIds = new Set<string>();
  const tags: string[] = [];
  for (const route of routes) {
    const operationId = operationIdOf(route);
    if (operationIds.has(operationId)) throw new Error(`Two routes are both named ${operationId}.`);
    operationIds.add(operationId);
    if (!tags.includes(route.tag)) tags.push(route.tag);

    const command = commandOfRoute(route);
    const bodySchema = requestBodySchemaOf(route);
    const status = route.status ?? 200;
    const parameters = [...parametersOf(route.params, 'path', component), ...parametersOf(route.query, 'query', component)];
    const operation: JsonSchema = {
      operationId,
      summary: route.summary,
      ...(command === undefined
        ? {}
        : {
            description:
              `The ${command} command: needs the ${COMMANDS[command].permission} permission at the ${command === 'createOrg' ? 'parent' : 'target'} organization. ` +
              'Offline clients queue the same command with the same args (path parameters included) through POST /v1/sync/push.',
          }),
      tags: [route.tag],
      security: route.auth === 'bearer' ? [{ bearerAuth: [] }] : route.auth === 'operator' ? [{ operatorAuth: [] }] : [],
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(bodySchema === undefined
        ? {}
        : {
            requestBody: {
              // The service reads a missing body as {}: the body is required only when {} is refused.
              required: !bodySchema.safeParse({}).success,
              content: { 'application/json': { schema: component(toJsonSchema(bodySchema, 'input')) } },
            },
          }),
      responses: {
        [String(status)]: {
          description: status === 201 ? 'Created' : 'OK',
          content:
            route.response === undefined
              ? { 'text/event-stream': { schema: { type: 'string', description: 'A stream of server-sent events' } } }
              : { 'application/json': { schema: component(toJsonSchema(route.response, 'output')) } },
        },
        ...Object.fromEntries(
          [...errorStatusesOf(route)].map(([errorStatus, { codes, description }]) => [
            String(errorStatus),
            {
              description,
              ...(errorStatus === 429 ? { headers: RETRY_AFTER_HEADER } : {}),
              content: { 'application/json': { schema: errorBodyWith(codes) } },
            },
          ]),
        ),
      },
    };
    const path = openApiPath(route.url);
    const item = (paths[path] ??= {});
    item[route.method.toLowerCase()] = operation;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Seatdesk billing service',
      version: API_VERSION,
      description:
        'The multi-tenant API that Seatdesk syncs with. Errors answer {"error": {"code", "message", "details"?}}; ' +
        'an organization outside the caller’s scope answers 404 NOT_FOUND, the same as one that does not exist.',
    },
    servers: [{ url: '/' }],
    tags: tags.map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] === undefined ? {} : { description: TAG_DESCRIPTIONS[name] }) })),
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The accessToken of POST /v1/auth/login or /v1/auth/refresh' },
        operatorAuth: { type: 'http', scheme: 'bearer', description: 'SEATDESK_OPERATOR_TOKEN; operator routes exist only when it is set' },
      },
    },
  };
}
