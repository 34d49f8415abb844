import { z } from 'zod';
import { userSchema, userStatusSchema } from '@shared/domain/user';
import { uuidSchema } from '@shared/domain/ids';
import { authorize } from '../auth/actor';
import { actorKeyColumn, actorKeyParams, confirmActor } from '../auth/kept-actors';
import { toUser, type Row } from '../db/rows';
import { JsonText, defineRoute } from '../http/route';
import { wireItemsSql } from '../db/stored-wire';
import { notFound } from '../commands/context';
import { trimmedText } from '@shared/text';

/**
 * The users of $1, with status $2 and search $3 when given (null when not), as wire JSON; the
 * billed seat count; the actor's key from $4 and $5. Built once: the driver finds a prepared
 * statement by its text.
 */
const USERS_STATEMENT = `SELECT ${actorKeyColumn(4)}, (SELECT count(*)::int FROM users WHERE org_id = $1 AND status = 'active') AS active_count,
   ${wireItemsSql(
     `users t WHERE t.org_id = $1
       AND ($2::text IS NULL OR t.status = $2)
       AND ($3::text IS NULL OR t.first_name || ' ' || t.last_name || ' ' || t.email ILIKE '%' || $3 || '%')`,
     't.last_name, t.first_name, t.email',
   )} AS items`;

export const usersReadRoutes = [
  defineRoute({
    method: 'GET',
    url: '/v1/orgs/:orgId/users',
    summary: 'Users of an organization, with the billed (active) seat count',
    tag: 'user',
    auth: 'bearer',
    params: z.strictObject({ orgId: uuidSchema }),
    query: z.strictObject({ status: userStatusSchema.optional(), q: trimmedText('Searches').max(200).optional() }),
    response: z.object({ items: z.array(userSchema), activeCount: z.number().int() }),
    errors: ['NOT_FOUND', 'FORBIDDEN'],
    confirmsActor: true,
    handler: async ({ params, query, actor, deps }) => {
      authorize(actor, params.orgId, 'users.view');
      // One round trip: the billed seat count and the actor's key ride along; the users come as
      // their stored wire JSON (stored-wire.ts).
      const [row] = await deps.store.queryPrepared<{ items: string; active_count: number; actor_key: string }>(
        USERS_STATEMENT,
        [params.orgId, query.status ?? null, query.q?.replace(/[\\%_]/g, (c) => `\\${c}`) ?? null, ...actorKeyParams(actor)],
      );
      confirmActor(actor, row!.actor_key);
      return new JsonText(['{"items":[', row!.items, `],"activeCount":${row!.active_count}}`]);
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/orgs/:orgId/users/:userId',
    summary: 'One user',
    tag: 'user',
    auth: 'bearer',
    params: z.strictObject({ orgId: uuidSchema, userId: uuidSchema }),
    response: userSchema,
    errors: ['NOT_FOUND', 'FORBIDDEN'],
    handler: async ({ params, actor, deps }) => {
      authorize(actor, params.orgId, 'users.view');
      const [row] = await deps.store.query<Row>('SELECT * FROM users WHERE id = $1 AND org_id = $2', [params.userId, params.orgId]);
      if (row === undefined) throw notFound('user');
      return toUser(row);
    },
  }),
];
