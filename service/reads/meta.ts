import { z } from 'zod';
import { BUILT_IN_ROLES, PERMISSION_AREAS, PERMISSION_DESCRIPTIONS, PERMISSIONS, permissionSchema } from '@shared/domain/permissions';
import { defineRoute } from '../http/route';

export const metaRoutes = [
  defineRoute({
    method: 'GET',
    url: '/healthz',
    summary: 'Liveness and database reachability',
    tag: 'meta',
    auth: 'none',
    response: z.object({ ok: z.boolean(), database: z.enum(['pglite', 'postgres']) }),
    handler: async ({ deps }) => {
      await deps.store.query('SELECT 1');
      return { ok: true, database: deps.store.kind };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/permissions',
    summary: 'The permission catalogue, its areas and the built-in roles',
    tag: 'meta',
    auth: 'bearer',
    response: z.object({
      items: z.array(z.object({ name: permissionSchema, description: z.string() })),
      areas: z.array(z.object({ key: z.string(), label: z.string(), permissions: z.array(permissionSchema) })),
      builtInRoles: z.array(z.object({ key: z.string(), name: z.string(), description: z.string(), permissions: z.array(permissionSchema) })),
    }),
    handler: async () => ({
      items: PERMISSIONS.map((name) => ({ name, description: PERMISSION_DESCRIPTIONS[name] })),
      areas: PERMISSION_AREAS,
      builtInRoles: BUILT_IN_ROLES,
    }),
  }),
];
