import { expect, it } from 'vitest';
import { apiErrorBodySchema } from '@shared/errors';
import { buildService } from '../app';
import { openTestPglite } from '../testing/pglite';

it('a request that arrives while the service drains answers 503 OFFLINE in the error shape (Fastify answered in its own)', async () => {
  const store = await openTestPglite();
  const service = await buildService({ store, logger: false });
  await service.app.ready();
  const closing = service.close();
  const answer = await service.app.inject({ method: 'GET', url: '/healthz' });
  await closing;
  await store.close();
  expect(answer.statusCode).toBe(503);
  expect(answer.headers['connection']).toBe('close');
  expect(apiErrorBodySchema.strict().parse(answer.json()).error.code).toBe('OFFLINE');
}, 60_000);
