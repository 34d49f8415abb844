import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startTestService, testDatabases, type TestService } from '../../test/support/service';

const START = Date.parse('2026-11-02T09:00:00Z');

// In memory on PGlite, in the database on PostgreSQL (rate-limit-postgres.ts): the same answers.
describe.each(testDatabases())('login rate limiting over HTTP (%s)', (database) => {
  let test: TestService;
  let clock = START;

  beforeAll(async () => {
    test = await startTestService({ database, now: new Date(START) });
  }, 60_000);
  afterAll(async () => {
    await test?.close();
  });
  beforeEach(() => {
    // Every test starts an hour after the last one: the limiter has forgotten idle keys by then.
    clock += 2 * 60 * 60 * 1000;
    test.setNow(new Date(clock));
  });

  const advance = (ms: number) => {
    clock += ms;
    test.setNow(new Date(clock));
  };

  async function login(email: string, password: string, address: string) {
    const response = await test.service.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress: address });
    const retryAfter = response.headers['retry-after'];
    return { status: response.statusCode, body: response.json<{ error?: { code: string; details?: unknown } }>(), retryAfter: retryAfter === undefined ? null : String(retryAfter) };
  }

  /** Wrong passwords until `failures` were checked (refusals waited out, as a patient attacker would). */
  async function guess(email: string, address: string, failures: number): Promise<string[]> {
    const waits: string[] = [];
    let checked = 0;
    while (checked < failures) {
      const answer = await login(email, `wrong-password-${checked}`, address);
      if (answer.status === 429) {
        expect(answer.retryAfter).toMatch(/^\d+$/);
        waits.push(answer.retryAfter!);
        advance(Number(answer.retryAfter) * 1000);
        continue;
      }
      expect(answer.status).toBe(401);
      checked += 1;
    }
    return waits;
  }

  it('answers 429 RATE_LIMITED with Retry-After, backing off exponentially, once one address guesses one account', async () => {
    const attacker = '203.0.113.10';
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await login('billing@northwind.example', `guess-${i}`, attacker));
    // Five free guesses for one (account, address) pair, then a wait.
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 429]);
    const refused = answers[5]!;
    expect(refused.body.error?.code).toBe('RATE_LIMITED');
    expect(refused.retryAfter).toMatch(/^\d+$/);
    expect(refused.retryAfter).toBe('1');
    expect(refused.body.error?.details).toEqual({ retryAfterSeconds: 1 });

    // Waiting as told lets exactly one more guess through; each failure doubles the wait.
    const waits = (await guess('billing@northwind.example', attacker, 4)).map(Number);
    expect(waits).toEqual([1, 2, 4, 8]);
    expect((await login('billing@northwind.example', 'one-more', attacker)).retryAfter).toBe('16');
  });

  it('still signs the owner in from another address after 10 wrong passwords for their email', async () => {
    await guess('owner@northwind.example', '203.0.113.20', 10);
    const owner = await login('owner@northwind.example', DEMO_PASSWORD, '198.51.100.20');
    expect(owner.status, JSON.stringify(owner.body)).toBe(200);
    // Even the right password from the guessing address waits: that pair is the one under attack.
    expect((await login('owner@northwind.example', DEMO_PASSWORD, '203.0.113.20')).status).toBe(429);
  });

  it('slows guessing spread over many addresses, but not the owner on an address they signed in from before', async () => {
    const email = 'admin@wingtip-toys.example';
    expect((await login(email, DEMO_PASSWORD, '198.51.100.30')).status).toBe(200);
    // 20 free failures for one account from anywhere: one guess each from 20 addresses.
    for (let i = 0; i < 20; i += 1) expect((await login(email, `spread-${i}`, `203.0.113.${100 + i}`)).status).toBe(401);
    expect((await login(email, 'spread-20', '203.0.113.120')).status).toBe(429);

    const fresh = await login(email, DEMO_PASSWORD, '192.0.2.30');
    expect(fresh.status).toBe(429);
    expect(Number(fresh.retryAfter)).toBeGreaterThan(0);
    expect((await login(email, DEMO_PASSWORD, '198.51.100.30')).status).toBe(200);
  });

  it('does not lock out a user behind an address that guessed 60 accounts, when they signed in from there before', async () => {
    const shared = '203.0.113.40';
    expect((await login('readonly@northwind.example', DEMO_PASSWORD, shared)).status).toBe(200);
    for (let i = 0; i < 60; i += 1) {
      const answer = await login(`nobody-${i}@guessing.example`, 'password123', shared);
      if (answer.status === 429) advance(Number(answer.retryAfter) * 1000);
      else expect(answer.status).toBe(401);
    }
    // Someone new behind that address waits; the user who signs in from there does not.
    const newcomer = await login('admin@contoso-dental.example', DEMO_PASSWORD, shared);
    expect(newcomer.status).toBe(429);
    expect(newcomer.retryAfter).toMatch(/^\d+$/);
    const known = await login('readonly@northwind.example', DEMO_PASSWORD, shared);
    expect(known.status, JSON.stringify(known.body)).toBe(200);
  });

  it('lists what login and refresh answer in the OpenAPI document: 401, and 429 for login', async () => {
    const document = await test.call('GET', '/v1/openapi.json');
    expect(document.status).toBe(200);
    const responses = (path: string) => Object.keys(document.body.paths[path].post.responses as Record<string, unknown>);
    expect(responses('/v1/auth/login')).toEqual(expect.arrayContaining(['200', '400', '401', '429']));
    expect(responses('/v1/auth/refresh')).toEqual(expect.arrayContaining(['200', '400', '401']));
  });

  it('counts every spelling of one email as one account', async () => {
    const address = '203.0.113.50';
    await guess('Admin@Alpine-Ski-House.example', address, 3);
    await guess(' admin@alpine-ski-house.EXAMPLE ', address, 2);
    expect((await login('ADMIN@alpine-ski-house.example', 'wrong-again', address)).status).toBe(429);
  });
});
