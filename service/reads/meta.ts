import { z } from 'zod';
import { BUILT_IN_ROLES, PERMISSION_AREAS, PERMISSION_DESCRIPTIONS, PERMISSIONS, permissionSchema } from '@shared/domain/permissions';
import { defineRoute } from '../http/route';
import { LATEST_SCHEMA_VERSION, schemaVersion } from '../db/migrate';
import type { ServiceDeps } from '../deps';

/** A database that takes longer than this to answer SELECT counts as unreachable for /readyz. */
export const READY_DATABASE_TIMEOUT_MS = 2_000;

const readinessSchema = z.object({
  ok: z.boolean(),
  database: z.enum(['pglite', 'postgres']),
  checks: z.object({
    database: z.enum(['ok', 'unreachable']),
    migrations: z.enum(['ok', 'pending', 'unknown']),
    /** The LISTEN connection for pokes from other instances (PostgreSQL with DATABASE_URL). */
    listener: z.enum(['ok', 'disconnected', 'not used']),
    draining: z.boolean(),
  }),
  schemaVersion: z.int().nullable(),
});

async function readiness(deps: ServiceDeps): Promise<z.infer<typeof readinessSchema>> {
  let version: number | null;
  let timer: NodeJS.Timeout | undefined;
  try {
    version = await Promise.race([
      schemaVersion(deps.store),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), READY_DATABASE_TIMEOUT_MS);
      }),
    ]);
  } catch {
    version = null;
  } finally {
    clearTimeout(timer);
  }
  const checks = {
    database: version === null ? ('unreachable' as const) : ('ok' as const),
    migrations: version === null ? ('unknown' as const) : version >= LATEST_SCHEMA_VERSION ? ('ok' as const) : ('pending' as const),
    listener: deps.store.kind !== 'postgres' ? ('not used' as const) : deps.notifier.connected() ? ('ok' as const) : ('disconnected' as const),
    draining: deps.lifecycle.draining,
  };
  const ok = checks.database === 'ok' && checks.migrations === 'ok' && checks.listener !== 'disconnected' && !checks.draining;
  return { ok, database: deps.store.kind, checks, schemaVersion: version };
}

export const metaRoutes = [
  defineRoute({
    method: 'GET',
    url: '/healthz',
    summary: 'Liveness: the process answers (it does not touch the database, so a database outage does not get every instance restarted)',
    tag: 'meta',
    auth: 'none',
    response: z.object({ ok: z.boolean(), database: z.enum(['pglite', 'postgres']) }),
    handler: async ({ deps }) => ({ ok: true, database: deps.store.kind }),
  }),
  defineRoute({
    method: 'GET',
    url: '/readyz',
    summary:
      'Readiness for a load balancer: the database answers, migrations are done, the LISTEN connection is up (PostgreSQL), ' +
      'and the instance is not draining. 200 when ready, 503 with the same body when not.',
    tag: 'meta',
    auth: 'none',
    response: readinessSchema,
    handler: async ({ deps, reply }) => {
      const result = await readiness(deps);
      if (!result.ok) return reply.status(503).send(result);
      return result;
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
