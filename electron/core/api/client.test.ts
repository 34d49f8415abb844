import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSeatdeskError, type SeatdeskError } from '@shared/errors';
import { SCHEMA_VERSION } from '@shared/sync/protocol';
import { DEMO_PASSWORD, startTestService, type TestService } from '../../../test/support/service';
import { DEMO_NOW } from '../../../test/support/commands';
import { createApiClient, type ApiClient } from './client';
import { errorFromAnswer, isRetryable, normalizeServiceUrl } from './http';

/** The error a promise rejects with; fails the test when it resolves. */
async function refusal(promise: Promise<unknown>): Promise<SeatdeskError> {
  try {
    await promise;
  } catch (error) {
    if (isSeatdeskError(error)) return error;
    throw new Error(`expected a SeatdeskError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail, and it succeeded');
}

/** A local HTTP server that answers every request with `handler` (a proxy's error page, a hung backend). */
async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function closeRaw(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('the v1 API client against the real service', () => {
  let test: TestService;
  let api: ApiClient;
  let orgId: string;

  beforeAll(async () => {
    test = await startTestService({ now: DEMO_NOW });
    api = createApiClient(test.url);
    const [row] = await test.store.query<{ id: string }>("SELECT id FROM orgs WHERE name = 'Wingtip Toys'");
    orgId = row!.id;
  });
  afterAll(async () => {
    await test?.close();
  });

  it('answers healthz and keeps only the origin of the address', async () => {
    expect(await api.healthz()).toEqual({ ok: true, database: 'pglite' });
    expect(createApiClient(`${test.url}/some/path?x=1`).serviceUrl).toBe(new URL(test.url).origin);
  });

  it('signs in, reads /v1/me, refreshes, and refuses a reused refresh token without echoing it', async () => {
    const login = await api.login({ email: 'owner@northwind.example', password: DEMO_PASSWORD });
    expect(login.user.email).toBe('owner@northwind.example');
    expect(Date.parse(login.expiresAt)).toBe(DEMO_NOW.getTime() + 15 * 60 * 1000);

    const me = await api.me(login.accessToken);
    expect(me.user.id).toBe(login.user.id);
    expect(me.schemaVersion).toBe(SCHEMA_VERSION);
    expect(me.orgs.map((org) => org.name)).toContain('Wingtip Toys');

    const rotated = await api.refresh(login.refreshToken);
    expect(rotated.refreshToken).not.toBe(login.refreshToken);
    expect((await api.me(rotated.accessToken)).user.id).toBe(login.user.id);

    const reused = await refusal(api.refresh(login.refreshToken));
    expect(reused.code).toBe('UNAUTHENTICATED');
    expect(`${reused.message} ${JSON.stringify(reused.details)}`).not.toContain(login.refreshToken);
    // Reuse revoked the whole family: the rotated token is dead as well.
    expect((await refusal(api.me(rotated.accessToken))).code).toBe('UNAUTHENTICATED');
  });

  it('maps a wrong password to UNAUTHENTICATED with the service message, never the password', async () => {
    const error = await refusal(api.login({ email: 'billing@northwind.example', password: 'not-the-password-123' }));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('The email or password is not right.');
    expect(error.message).not.toContain('not-the-password-123');
  });

  it('maps a token the service does not know to UNAUTHENTICATED', async () => {
    expect((await refusal(api.me('sd1.bogus.token'))).code).toBe('UNAUTHENTICATED');
  });

  it('logs out: the access token stops working', async () => {
    const login = await api.login({ email: 'readonly@northwind.example', password: DEMO_PASSWORD });
    await api.logout(login.accessToken);
    expect((await refusal(api.me(login.accessToken))).code).toBe('UNAUTHENTICATED');
  });

  it('pushes a mutation and pulls it back, parsed with the shared protocol schemas', async () => {
    const { accessToken } = await api.login({ email: 'owner@northwind.example', password: DEMO_PASSWORD });
    const clientId = randomUUID();
    const userId = randomUUID();
    const pushed = await api.push(accessToken, {
      clientId,
      schemaVersion: SCHEMA_VERSION,
      mutations: [{ id: 1, name: 'createUser', args: { orgId, id: userId, firstName: 'Api', lastName: 'Client', email: 'api.client@wingtip-toys.example' } }],
    });
    expect(pushed).toEqual({ lastMutationId: 1, outcomes: [{ mutationId: 1, status: 'applied' }] });

    const changes = [];
    let cursor = 0;
    for (let page = 0; page < 100; page += 1) {
      const pulled = await api.pull(accessToken, { cursor, limit: 1000, clientId });
      expect(pulled.lastMutationId).toBe(1);
      changes.push(...pulled.changes);
      cursor = pulled.cursor;
      if (!pulled.hasMore) break;
    }
    expect(changes.find((change) => change.entity === 'user' && change.id === userId)).toMatchObject({ op: 'upsert', orgId, version: 1 });
  });

  it('refuses a malformed push before sending it, and maps the service refusing a gap', async () => {
    const { accessToken } = await api.login({ email: 'owner@northwind.example', password: DEMO_PASSWORD });
    const invalid = await refusal(api.push(accessToken, { clientId: 'not-a-uuid', schemaVersion: 1, mutations: [] }));
    expect(invalid.code).toBe('VALIDATION');

    const gap = await refusal(
      api.push(accessToken, { clientId: randomUUID(), schemaVersion: SCHEMA_VERSION, mutations: [{ id: 5, name: 'deactivateUser', args: { orgId, userId: randomUUID() } }] }),
    );
    expect(gap.code).toBe('INVALID_TRANSITION');
    expect(gap.details).toMatchObject({ reason: 'gap' });
  });

  it('maps the service rate-limiting sign-in to RATE_LIMITED, retryable', async () => {
    let error: SeatdeskError | null = null;
    for (let attempt = 0; attempt < 20 && error?.code !== 'RATE_LIMITED'; attempt += 1) {
      error = await refusal(api.login({ email: 'admin@contoso-dental.example', password: `wrong-${attempt}` }));
    }
    expect(error?.code).toBe('RATE_LIMITED');
    expect(error?.details).toMatchObject({ status: 429, retryable: true });
    expect(isRetryable(error)).toBe(true);
  });

  it('yields on connecting, then a poke after a change made by another call, and ends when the signal aborts', async () => {
    const { accessToken } = await api.login({ email: 'admin@wingtip-toys.example', password: DEMO_PASSWORD });
    const controller = new AbortController();
    const stream = await api.openPokes(accessToken, controller.signal);
    const pokes = stream[Symbol.asyncIterator]();
    // Connected: the caller pulls once to catch up.
    expect(await pokes.next()).toEqual({ done: false, value: undefined });

    const owner = await test.signIn('owner@northwind.example');
    const created = await test.call('POST', `/v1/orgs/${orgId}/users`, {
      token: owner.accessToken,
      body: { firstName: 'Poke', lastName: 'Me', email: 'poke.me@wingtip-toys.example' },
    });
    expect(created.status).toBe(201);
    expect(await pokes.next()).toEqual({ done: false, value: undefined });

    controller.abort();
    expect(await pokes.next()).toEqual({ done: true, value: undefined });
  });

  it('refuses to open the event stream without a valid session', async () => {
    const pokes = api.pokes('sd1.bogus.token', new AbortController().signal)[Symbol.asyncIterator]();
    expect((await refusal(pokes.next())).code).toBe('UNAUTHENTICATED');
  });

  it('ends an already aborted poke stream without connecting', async () => {
    const controller = new AbortController();
    controller.abort();
    const pokes = api.pokes('any-token', controller.signal)[Symbol.asyncIterator]();
    expect(await pokes.next()).toEqual({ done: true, value: undefined });
  });
});

describe('the v1 API client when the service is gone or broken', () => {
  it('maps a closed service to OFFLINE with a sentence, for requests and the event stream', async () => {
    const test = await startTestService({ now: DEMO_NOW, seed: 'none' });
    const api = createApiClient(test.url);
    expect((await api.healthz()).ok).toBe(true);
    await test.close();

    const error = await refusal(api.login({ email: 'owner@northwind.example', password: DEMO_PASSWORD }));
    expect(error.code).toBe('OFFLINE');
    expect(error.message).toBe(`Seatdesk cannot reach the billing service at ${api.serviceUrl}: the connection was refused (is the service running?).`);
    expect(error.details).toMatchObject({ retryable: true, reason: 'ECONNREFUSED' });
    expect(isRetryable(error)).toBe(true);

    const pokes = api.pokes('token', new AbortController().signal)[Symbol.asyncIterator]();
    expect((await refusal(pokes.next())).code).toBe('OFFLINE');
  });

  it('maps an unknown host name to OFFLINE', async () => {
    const api = createApiClient('http://seatdesk-billing.invalid', { timeoutMs: 5000 });
    const error = await refusal(api.healthz());
    expect(error.code).toBe('OFFLINE');
    expect(error.message).toMatch(/^Seatdesk cannot reach the billing service at http:\/\/seatdesk-billing\.invalid: /);
  });

  it('maps a service that never answers to OFFLINE after the timeout', async () => {
    const hung = await rawServer(() => {
      // never answers
    });
    try {
      const api = createApiClient(hung.url, { timeoutMs: 300 });
      const error = await refusal(api.healthz());
      expect(error.code).toBe('OFFLINE');
      expect(error.details).toMatchObject({ reason: 'TIMEOUT' });
      expect(error.message).toContain('it did not answer within 0.3 s');
      const pokes = api.pokes('token', new AbortController().signal)[Symbol.asyncIterator]();
      expect((await refusal(pokes.next())).details).toMatchObject({ reason: 'TIMEOUT' });
    } finally {
      await closeRaw(hung.server);
    }
  });

  it('ends the poke stream when the service goes away (the caller reconnects)', async () => {
    const test = await startTestService({ now: DEMO_NOW });
    const api = createApiClient(test.url);
    const { accessToken } = await test.signIn('owner@northwind.example');
    const pokes = (await api.openPokes(accessToken, new AbortController().signal))[Symbol.asyncIterator]();
    expect(await pokes.next()).toEqual({ done: false, value: undefined });
    const next = pokes.next();
    await test.close();
    expect(await next).toEqual({ done: true, value: undefined });
  });

  it('ends the poke stream when it goes silent for longer than the idle limit', async () => {
    // An event stream that opens and then says nothing, not even a keepalive.
    const silent = await rawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(': connected\n\n');
    });
    try {
      const api = createApiClient(silent.url, { eventsIdleMs: 200 });
      const pokes = api.pokes('token', new AbortController().signal)[Symbol.asyncIterator]();
      expect(await pokes.next()).toEqual({ done: false, value: undefined });
      expect(await pokes.next()).toEqual({ done: true, value: undefined });
    } finally {
      await closeRaw(silent.server);
    }
  });

  it('maps a failing service to INTERNAL, retryable', async () => {
    const test = await startTestService({ now: DEMO_NOW, seed: 'none' });
    const api = createApiClient(test.url);
    // The database goes away under a running service: its routes answer 500 (healthz is liveness
    // only and reads no database, so a sign-in stands for them).
    await test.store.close();
    try {
      const error = await refusal(api.login({ email: 'owner@northwind.example', password: 'any password at all' }));
      expect(error.code).toBe('INTERNAL');
      expect(error.details).toEqual({ status: 500, retryable: true });
      expect(isRetryable(error)).toBe(true);
    } finally {
      await test.service.close();
    }
  });

  it('maps a proxy error page (5xx without the API error body) to INTERNAL, retryable', async () => {
    const proxy = await rawServer((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html><body>Bad Gateway</body></html>');
    });
    try {
      const error = await refusal(createApiClient(proxy.url).healthz());
      expect(error.code).toBe('INTERNAL');
      expect(error.message).toBe('The billing service failed to answer (HTTP 502). Seatdesk will try again.');
      expect(error.details).toEqual({ status: 502, retryable: true });
    } finally {
      await closeRaw(proxy.server);
    }
  });

  it('maps an answer in an unexpected shape to SCHEMA_MISMATCH, not retryable', async () => {
    const odd = await rawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ healthy: 'yes' }));
    });
    try {
      const error = await refusal(createApiClient(odd.url).healthz());
      expect(error.code).toBe('SCHEMA_MISMATCH');
      expect(error.details).toMatchObject({ retryable: false, issues: [{ path: 'ok' }, { path: 'database' }] });
      expect(isRetryable(error)).toBe(false);
    } finally {
      await closeRaw(odd.server);
    }
  });
});

describe('error answers', () => {
  it('keeps Retry-After of a 429 in the details, as given and in seconds', () => {
    const error = errorFromAnswer(429, { error: { code: 'RATE_LIMITED', message: 'Slow down.' } }, '120');
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toBe('Slow down.');
    expect(error.details).toEqual({ status: 429, retryable: true, retryAfter: '120', retryAfterSeconds: 120, retryAfterMs: 120_000 });
    expect(errorFromAnswer(429, undefined, null).details).toEqual({ status: 429, retryable: true });
  });

  it('passes the service error body through: code, message, details', () => {
    const error = errorFromAnswer(409, { error: { code: 'LAST_ADMIN', message: 'Keep one.', details: { orgId: 'x' } } }, null);
    expect([error.code, error.message, error.details]).toEqual(['LAST_ADMIN', 'Keep one.', { orgId: 'x' }]);
    expect(isRetryable(error)).toBe(false);
  });

  it('falls back to a code by status when the body is not the API error body', () => {
    expect(errorFromAnswer(401, undefined, null).code).toBe('UNAUTHENTICATED');
    expect(errorFromAnswer(413, '<html/>', null).code).toBe('PAYLOAD_TOO_LARGE');
    expect(errorFromAnswer(418, undefined, null).code).toBe('INTERNAL');
  });
});

describe('normalizeServiceUrl', () => {
  it('keeps the origin of an http(s) address', () => {
    expect(normalizeServiceUrl(' https://Billing.Example.com/v1/?x=1 ')).toBe('https://billing.example.com');
    expect(normalizeServiceUrl('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000');
  });

  it('refuses other schemes and non-addresses with VALIDATION', () => {
    for (const bad of ['ftp://billing.example.com', 'file:///etc/passwd', 'billing.example.com', '']) {
      expect(() => normalizeServiceUrl(bad), bad).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });
});
