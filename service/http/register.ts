import type { FastifyInstance, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { SeatdeskError, validationErrorFromZod } from '@shared/errors';
import type { z } from 'zod';
import { loadActor, type Actor } from '../auth/actor';
import type { ServiceDeps } from '../deps';
import { EMPTY_BODY } from './json-body';
import type { RouteDef } from './route';

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown): T {
  if (schema === undefined) return undefined as T;
  const result = schema.safeParse(value);
  if (!result.success) throw validationErrorFromZod(result.error);
  return result.data;
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
}

async function authenticate(route: RouteDef, request: FastifyRequest, deps: ServiceDeps): Promise<Actor> {
  if (route.auth === 'none') return undefined as unknown as Actor;
  const token = bearer(request);
  if (route.auth === 'operator') {
    const expected = deps.operatorToken;
    const ok = expected !== null && token !== null && token.length === expected.length && timingSafeEqual(Buffer.from(token), Buffer.from(expected));
    if (!ok) throw new SeatdeskError('UNAUTHENTICATED', 'The operator token is missing or wrong.');
    return undefined as unknown as Actor;
  }
  const claims = token === null ? null : deps.tokens.verifyAccess(token, deps.now());
  const actor = claims === null ? null : await loadActor(deps.store, claims);
  if (actor === null) throw new SeatdeskError('UNAUTHENTICATED', 'Sign in again: the session is missing, expired or revoked.');
  return actor;
}

/** A request without a body reads as {}; a JSON content type with no bytes is an empty body, refused. */
function bodyOf(body: unknown): unknown {
  if (body === EMPTY_BODY) throw new SeatdeskError('VALIDATION', 'The JSON body is empty.');
  return body ?? {};
}

/** Registers routes: authentication, then params, query and body parsed with the route's zod schemas. */
export function registerRoutes(app: FastifyInstance, routes: readonly RouteDef[], deps: ServiceDeps): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        const actor = await authenticate(route, request, deps);
        const params = parse(route.params, request.params);
        const query = parse(route.query, request.query);
        const body = route.method === 'GET' || route.body === undefined ? undefined : parse(route.body, bodyOf(request.body));
        const result = await route.handler({ params, query, body, actor, deps, request, reply });
        if (reply.sent) return reply;
        return reply.status(route.status ?? 200).send(result);
      },
    });
  }
}
