import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startTestService, type TestService } from '../../test/support/service';
import { generateDemoDataset } from '../seed/dataset';
import { LOGIN_PASSWORD_CHECKS, argon2Verifier, hashPassword, type PasswordVerifier } from './passwords';

const demo = generateDemoDataset();
const orgId = (name: string) => demo.orgs.find((org) => org.name === name)!.id;
const SHARED = 'shared.person@multi.example';
const MANY = 'many.accounts@multi.example';

// Counting verifications, not timing them: the count is what makes the time the same.
describe('login costs the same for an email with 0, 1 or many accounts', () => {
  let test: TestService;
  let owner: string;
  const counts: number[] = [];
  let inFlight = 0;
  let mostInFlight = 0;

  /** The real argon2 verifier, counted: one entry per login in `counts`. */
  const counting: PasswordVerifier = {
    async verify(hash, password) {
      counts[counts.length - 1]! += 1;
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        return await argon2Verifier.verify(hash, password);
      } finally {
        inFlight -= 1;
      }
    },
  };

  async function login(email: string, password: string, address: string): Promise<{ status: number; checks: number; userId?: string }> {
    counts.push(0);
    mostInFlight = 0;
    const response = await test.service.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress: address });
    const body = response.json<{ user?: { id: string } }>();
    return { status: response.statusCode, checks: counts.at(-1)!, ...(body.user === undefined ? {} : { userId: body.user.id }) };
  }

  async function createUser(org: string, email: string): Promise<string> {
    const created = await test.call('POST', `/v1/orgs/${orgId(org)}/users`, { token: owner, body: { firstName: 'Shared', lastName: 'Person', email } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  }

  beforeAll(async () => {
    test = await startTestService();
    owner = (await test.signIn('owner@northwind.example')).accessToken;
    test.service.deps.passwords = counting;
    // One email with accounts in 3 organizations, another in 5 (more than are ever checked).
    for (const org of ['Contoso Dental', 'Wingtip Toys', 'Alpine Ski House']) await createUser(org, SHARED);
    for (const org of ['Contoso Dental', 'Wingtip Toys', 'Alpine Ski House', 'Coho Winery', 'Lucerne Publishing']) await createUser(org, MANY);
  }, 60_000);
  afterAll(async () => {
    await test?.close();
  });

  it(`checks exactly ${LOGIN_PASSWORD_CHECKS} hashes, concurrently, whatever the email`, async () => {
    const answers = {
      unknown: await login('nobody@nowhere.example', 'a-wrong-password', '192.0.2.1'),
      one: await login('billing@northwind.example', 'a-wrong-password', '192.0.2.2'),
      three: await login(SHARED, 'a-wrong-password', '192.0.2.3'),
      five: await login(MANY, 'a-wrong-password', '192.0.2.4'),
      right: await login('billing@northwind.example', DEMO_PASSWORD, '192.0.2.5'),
    };
    expect(Object.values(answers).map((answer) => answer.status)).toEqual([401, 401, 401, 401, 200]);
    expect(Object.values(answers).map((answer) => answer.checks)).toEqual(Array(5).fill(LOGIN_PASSWORD_CHECKS));
    expect(mostInFlight).toBe(LOGIN_PASSWORD_CHECKS);
  });

  it('signs in to whichever of an email’s accounts the password opens', async () => {
    const [, second] = await test.store.query<{ id: string }>('SELECT id FROM users WHERE email_key = $1 ORDER BY created_at', [SHARED]);
    await test.store.query('UPDATE users SET password_hash = $2 WHERE id = $1', [second!.id, await hashPassword('the second one’s password')]);
    const answer = await login(SHARED, 'the second one’s password', '192.0.2.6');
    expect(answer).toEqual({ status: 200, checks: LOGIN_PASSWORD_CHECKS, userId: second!.id });
    // It is now the most recently active of them: still among those checked.
    expect((await login(SHARED, 'the second one’s password', '192.0.2.6')).userId).toBe(second!.id);
  });
});
