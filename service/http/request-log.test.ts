import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService, type Service } from '../app';
import type { Store } from '../db/store';
import { openTestPglite } from '../testing/pglite';
import { seedDatabase } from '../seed/load';
import { DEMO_PASSWORD } from '../../test/support/service';
import { loggedUrl } from './request-log';

describe('loggedUrl', () => {
  it.each([
    ['/v1/me', '/v1/me'],
    ['/v1/me?access_token=abc.def', '/v1/me?access_token=[redacted]'],
    ['/v1/x?q=ada&refresh_token=r1&limit=5', '/v1/x?q=ada&refresh_token=[redacted]&limit=5'],
    ['/v1/x?password=hunter2&Secret=s&api_key=k&code=123456&signature=sig&X-Auth=a', '/v1/x?password=[redacted]&Secret=[redacted]&api_key=[redacted]&code=[redacted]&signature=[redacted]&X-Auth=[redacted]'],
    // An encoded name is recognised as what it decodes to; a name without a value is left alone.
    ['/v1/x?access%5Ftoken=abc&token', '/v1/x?access%5Ftoken=[redacted]&token=[redacted]'],
    ['/v1/x?%E0%A4%A=1', '/v1/x?%E0%A4%A=1'],
  ])('%s -> %s', (url, logged) => {
    expect(loggedUrl(url)).toBe(logged);
  });

  it('caps a long path and a long query', () => {
    const logged = loggedUrl(`/v1/${'a'.repeat(10_000)}?q=${'b'.repeat(10_000)}`);
    expect(logged.length).toBeLessThan(700);
  });
});

describe('the service log', () => {
  let store: Store;
  let service: Service;
  const lines: string[] = [];

  beforeAll(async () => {
    store = await openTestPglite();
    service = await buildService({ store, logger: true, logStream: { write: (line: string) => void lines.push(line) } });
    await seedDatabase(store, { kind: 'demo' });
  }, 120_000);
  afterAll(async () => {
    await service?.close();
    await store?.close();
  });

  it('redacts secrets in query strings as it does in headers and bodies', async () => {
    const login = await service.app.inject({
      method: 'POST',
      url: '/v1/auth/login?refresh_token=QUERY-REFRESH-SECRET',
      payload: { email: 'owner@northwind.example', password: DEMO_PASSWORD },
    });
    expect(login.statusCode).toBe(400);
    const session = await service.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'owner@northwind.example', password: DEMO_PASSWORD } });
    const { accessToken } = session.json() as { accessToken: string };
    await service.app.inject({ method: 'GET', url: `/v1/me?access_token=${accessToken}&visible=yes`, headers: { authorization: `Bearer ${accessToken}` } });
    await service.app.inject({ method: 'GET', url: `/v1/orgs/%E0%A4%A?token=URL-SECRET` });

    const log = lines.join('');
    expect(log).toContain('/v1/me?access_token=[redacted]&visible=yes');
    expect(log).toContain('/v1/auth/login?refresh_token=[redacted]');
    for (const secret of [accessToken, 'QUERY-REFRESH-SECRET', 'URL-SECRET', DEMO_PASSWORD]) expect(log).not.toContain(secret);
    // Each request was logged (the serializer ran, it did not drop the line).
    const urls = lines.map((line) => (JSON.parse(line) as { req?: { url?: string } }).req?.url).filter((url) => url !== undefined);
    expect(urls).toEqual(expect.arrayContaining(['/v1/auth/login', '/v1/orgs/%E0%A4%A?token=[redacted]']));
  });
});
