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
      // One round trip: the billed seat count rides along (a row of nulls when nothing matches).
      const rows = await deps.store.queryPrepared<Row & { active_count: number }>(
        `SELECT u.*, c.active_count
         FROM (SELECT count(*)::int AS active_count FROM users WHERE org_id = $1 AND status = 'active') c
         LEFT JOIN LATERAL (
           SELECT * FROM users WHERE org_id = $1
             AND ($2::text IS NULL OR status = $2)
             AND ($3::text IS NULL OR first_name || ' ' || last_name || ' ' || email ILIKE '%' || $3 || '%')
         ) u ON true
         ORDER BY u.last_name, u.first_name, u.email`,
        [params.orgId, query.status ?? null, query.q?.replace(/[\\%_]/g, (c) => `\\${c}`) ?? null],
      );
      const users = rows.filter((row) => row['id'] !== null);
      return { items: users.map(toUser), activeCount: rows[0]?.active_count ?? 0 };
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
