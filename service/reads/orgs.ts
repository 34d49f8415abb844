import { z } from 'zod';
import { organizationSchema } from '@shared/domain/organization';
import { uuidSchema } from '@shared/domain/ids';
import { authorize } from '../auth/actor';
import { toOrganization, type Row } from '../db/rows';
import { defineRoute } from '../http/route';
import { notFound } from '../commands/context';

/**
 * Organizations are readable by anyone whose scope includes them (no permission needed): the app
 * needs their names and hierarchy to show anything at all, as /v1/me does.
 */
export const orgReadRoutes = [
  defineRoute({
    method: 'GET',
    url: '/v1/orgs',
    summary: "The organizations in the caller's scope: their own and every one below it",
    tag: 'organization',
    auth: 'bearer',
    response: z.object({ items: z.array(organizationSchema) }),
    handler: async ({ actor, deps }) => {
      const rows = await deps.store.query<Row>('SELECT * FROM orgs WHERE id = ANY ($1::uuid[]) ORDER BY name, id', [[...actor.scope]]);
      return { items: rows.map(toOrganization) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/orgs/:orgId',
    summary: "An organization's account details",
    tag: 'organization',
    auth: 'bearer',
    params: z.strictObject({ orgId: uuidSchema }),
    response: organizationSchema,
    errors: ['NOT_FOUND'],
    handler: async ({ params, actor, deps }) => {
      authorize(actor, params.orgId);
      const [row] = await deps.store.query<Row>('SELECT * FROM orgs WHERE id = $1', [params.orgId]);
      if (row === undefined) throw notFound('organization');
      return toOrganization(row);
    },
  }),
];
