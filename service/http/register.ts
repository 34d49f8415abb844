import type { FastifyInstance, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { SeatdeskError, validationErrorFromZod } from '@shared/errors';
import type { z } from 'zod';
import { loadActor, type Actor } from '../auth/actor';
import { forgetActor, isConfirmed, keepActor, keptActor } from '../auth/kept-actors';
import type { ServiceDeps } from '../deps';
import { textProblem, textProblemMessage } from '@shared/text';
import { EMPTY_BODY, MAX_KEY_LENGTH } from './json-body';
import { JsonText, type RouteDef } from './route';

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

async function authenticate(route: RouteDef, request: FastifyRequest, deps: ServiceDeps, mayKeep: boolean): Promise<Actor> {
  if (route.auth === 'none') return undefined as unknown as Actor;
  const token = bearer(request);
  if (route.auth === 'operator') {
    const expected = deps.operatorToken;
    const ok = expected !== null && token !== null && token.length === expected.length && timingSafeEqual(Buffer.from(token), Buffer.from(expected));
    if (!ok) throw new SeatdeskError('UNAUTHENTICATED', 'The operator token is missing or wrong.');
    return undefined as unknown as Actor;
  }
  const claims = token === null ? null : deps.tokens.verifyAccess(token, deps.now());
  if (claims !== null && mayKeep) {
    const kept = keptActor(deps.store, claims);
    if (kept !== null) return kept;
  }
  const actor = claims === null ? null : await loadActor(deps.store, claims);
  if (actor === null) {
    if (claims !== null) forgetActor(deps.store, claims.sid);
    throw new SeatdeskError('UNAUTHENTICATED', 'Sign in again: the session is missing, expired or revoked.');
  }
  keepActor(deps.store, actor);
  return actor;
}

/**
 * The body as the route's schema reads it. A request with no body reads as {}; a JSON content
 * type with no bytes is an empty body, refused where the route reads one. A route without a body
 * schema takes none: no body, an empty one and {} (from clients that send JSON on every request)
 * are accepted, anything else is refused rather than ignored. A GET takes no body at all (Fastify
 * does not read one, so any bytes are refused unseen).
 */
function bodyOf(route: RouteDef, request: FastifyRequest): unknown {
  if (route.method === 'GET') {
    const length = request.headers['content-length'];
    if (request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')) throw noBody();
    return undefined;
  }
  const body: unknown = request.body;
  if (route.body === undefined) {
    if (body === undefined || body === EMPTY_BODY || isEmptyObject(body)) return undefined;
    throw noBody();
  }
  if (body === EMPTY_BODY) throw new SeatdeskError('VALIDATION', 'The JSON body is empty.');
  return parse(route.body, body ?? {});
}

const noBody = () => new SeatdeskError('VALIDATION', 'This request takes no body: send it without one.', [{ path: '', message: 'Send no body' }]);

function isEmptyObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

/**
 * The query as the route's schema reads it. Every name and value passes the shared text rule
 * first (zod's messages name unknown keys, so a name must be short and clean before it is
 * named); a route without a query schema takes no parameters.
 */
function queryOf(route: RouteDef, request: FastifyRequest): unknown {
  const query = (request.query ?? {}) as Record<string, string | string[]>;
  const names = Object.keys(query);
  for (const name of names) {
    if (name.length > MAX_KEY_LENGTH) throw queryProblem('', `A query parameter name is longer than ${MAX_KEY_LENGTH} characters.`);
    const nameProblem = textProblem(name, 'line');
    if (nameProblem !== null) throw queryProblem('', textProblemMessage('Query parameter names', nameProblem));
    for (const value of ([] as string[]).concat(query[name] ?? [])) {
      const problem = textProblem(value, 'line');
      if (problem !== null) throw queryProblem(name, textProblemMessage('Query parameters', problem));
    }
  }
  if (route.query === undefined) {
    if (names.length > 0) throw queryProblem('', 'This request takes no query parameters.');
    return undefined;
  }
  return parse(route.query, query);
}

const queryProblem = (path: string, message: string) =>
  new SeatdeskError('VALIDATION', path === '' ? message : `${path}: ${message}`, [{ path, message }]);

/**
 * Runs the handler as the request's actor. A route that confirms its actor (RouteDef.confirmsActor)
 * may start from the session's kept actor; its answer stands only once confirmed, and anything
 * else (a stale key, a refusal, an answer never confirmed) runs the handler again with the actor
 * loaded afresh.
 */
async function handle(route: RouteDef, request: FastifyRequest, deps: ServiceDeps, actor: Actor, run: (actor: Actor) => Promise<unknown>): Promise<unknown> {
  if (isConfirmed(actor)) return run(actor);
  try {
    const result = await run(actor);
    if (isConfirmed(actor)) return result;
  } catch {
    // Decided again below, with the actor as it is now.
  }
  forgetActor(deps.store, actor.sessionId);
  return run(await authenticate(route, request, deps, false));
}

/**
 * Registers routes: authentication, then params, query and body parsed with the route's zod
 * schemas; a request carrying a query or body the route does not take is refused here, for all.
 */
export function registerRoutes(app: FastifyInstance, routes: readonly RouteDef[], deps: ServiceDeps): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        const actor = await authenticate(route, request, deps, route.confirmsActor === true);
        const params = parse(route.params, request.params);
        const query = queryOf(route, request);
        const body = bodyOf(route, request);
        const result = await handle(route, request, deps, actor, (as) => route.handler({ params, query, body, actor: as, deps, request, reply }));
        if (reply.sent) return reply;
        if (result instanceof JsonText) return reply.status(route.status ?? 200).type('application/json; charset=utf-8').send(result.body());
        return reply.status(route.status ?? 200).send(result);
      },
    });
  }
}
