import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService, type Service } from '../app';
import { DEMO_PASSWORD, startTestService, testDatabases, type TestService } from '../../test/support/service';

const START = new Date('2026-11-02T09:00:00Z');

describe.each(testDatabases())('access tokens are bound to their session’s user (%s)', (database) => {
  let test: TestService;
  /** A second instance on the same database whose token secret the test knows, so it can sign claims. */
  let service: Service;
  const secret = randomBytes(32);

  beforeAll(async () => {
    test = await startTestService({ database, now: START });
    service = await buildService({ store: test.store, tokenSecret: secret, logger: false, now: () => START });
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    await test?.close();
  });

  async function signIn(email: string): Promise<{ accessToken: string; user: { id: string } }> {
    const response = await service.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: DEMO_PASSWORD } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  /** The token's claims with `change` applied, signed with the service's secret as a valid token would be. */
  function resigned(token: string, change: (claims: Record<string, unknown>) => void): string {
    const [, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    change(claims);
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `sd1.${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
  }

  const me = (token: string) => service.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });

  it('refuses a validly signed token whose user was swapped for another user', async () => {
    const billing = await signIn('billing@northwind.example');
    const owner = await signIn('owner@northwind.example');

    // The forging itself is right: the same claims, signed again, are accepted.
    const same = await me(resigned(billing.accessToken, () => undefined));
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json<{ user: { id: string } }>().user.id).toBe(billing.user.id);

    // billing's session, owner's user id: 401, never owner's permissions.
    const swapped = await me(resigned(billing.accessToken, (claims) => (claims['sub'] = owner.user.id)));
    expect(swapped.statusCode, swapped.body).toBe(401);
    expect(swapped.json<{ error: { code: string } }>().error.code).toBe('UNAUTHENTICATED');
  });
});
