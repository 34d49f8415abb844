import { z } from 'zod';
import { defineRoute, type RouteDef } from '../http/route';
import { buildOpenApiDocument } from './document';

/** GET /v1/openapi.json: the document of the given routes and of itself, built once at start. */
export function openApiRoute(routes: readonly RouteDef[]): RouteDef {
  const route = defineRoute({
    method: 'GET',
    url: '/v1/openapi.json',
    summary: 'This OpenAPI 3.1 document, generated from the zod schemas the service validates with',
    tag: 'meta',
    auth: 'none',
    response: z.looseObject({
      openapi: z.string(),
      info: z.looseObject({ title: z.string(), version: z.string() }),
      paths: z.record(z.string(), z.record(z.string(), z.unknown())),
    }),
    // Requests come after start, when the document below exists.
    handler: async () => document,
  });
  const document = buildOpenApiDocument([...routes, route]);
  return route;
}
