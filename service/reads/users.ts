import { z } from 'zod';
import { userSchema, userStatusSchema } from '@shared/domain/user';
import { uuidSchema } from '@shared/domain/ids';
import { authorize } from '../auth/actor';
import { toUser, type Row } from '../db/rows';
import { defineRoute } from '../http/route';
import { notFound } from '../commands/context';
import { trimmedText } from '@shared/text';

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
    handler: async ({ params, query, actor, deps }) => {
      authorize(actor, params.orgId, 'users.view');
      const rows = await deps.store.query<Row>(
        `SELECT * FROM users WHERE org_id = $1
           AND ($2::text IS NULL OR status = $2)
           AND ($3::text IS NULL OR first_name || ' ' || last_name || ' ' || email ILIKE '%' || $3 || '%')
         ORDER BY last_name, first_name, email`,
        [params.orgId, query.status ?? null, query.q?.replace(/[\\%_]/g, (c) => `\\${c}`) ?? null],
      );
      const [count] = await deps.store.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE org_id = $1 AND status = 'active'", [params.orgId]);
      return { items: rows.map(toUser), activeCount: count?.n ?? 0 };
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
