import { pullQuerySchema, pullResponseSchema, pushRequestSchema, pushResponseSchema } from '@shared/sync/protocol';
import { defineRoute, type RouteDef } from '../http/route';
import { openEventStream } from './events';
import { pull, pullResponseJson } from './pull';
import { push } from './push';

export const syncRoutes: RouteDef[] = [
  defineRoute({
    method: 'POST',
    url: '/v1/sync/push',
    summary:
      'Applies queued offline commands exactly once, in mutation id order. Each mutation is applied, a conflict or rejected (outcomes, not errors); ' +
      'a gap in the ids or a reused id with a different payload refuses the push (409 INVALID_TRANSITION, details.reason "gap" with expected, or "reused_id")',
    tag: 'sync',
    auth: 'bearer',
    body: pushRequestSchema,
    response: pushResponseSchema,
    errors: ['FORBIDDEN', 'INVALID_TRANSITION', 'SCHEMA_MISMATCH', 'PAYLOAD_TOO_LARGE'],
    handler: ({ body, actor, deps, request }) => push(deps, actor, body, request.log),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/sync/pull',
    summary:
      'Changes (upserts and tombstones) after the cursor in the caller’s scope, from one snapshot, in change order; ' +
      'plus lastMutationId and the outcomes of the client’s latest 500 mutations. Cursor 0 is the bootstrap',
    tag: 'sync',
    auth: 'bearer',
    query: pullQuerySchema,
    response: pullResponseSchema,
    errors: ['FORBIDDEN'],
    confirmsActor: true,
    handler: async ({ query, actor, deps }) => pullResponseJson(await pull(deps, actor, query)),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/sync/events',
    summary: 'Server-sent events: a data-free "poke" event after a change in the caller’s scope (then pull), and a comment every 25 s',
    tag: 'sync',
    auth: 'bearer',
    handler: async ({ actor, deps, request, reply }) => {
      openEventStream(deps, actor, request, reply);
    },
  }),
];
