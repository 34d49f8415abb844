import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildService } from '../app';
import { startTestService, testDatabases, type TestService } from '../../test/support/service';
import { hashToken } from './tokens';

const START = new Date('2026-11-02T09:00:00Z');
const at = (ms: number) => new Date(START.getTime() + ms);

describe.each(testDatabases())('refresh-token rotation with a grace window (%s)', (database) => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ database, now: START });
  }, 60_000);
  afterAll(async () => {
    await service?.close();
  });
  beforeEach(() => {
    service.setNow(START);
  });

  const refresh = (refreshToken: string, clientId?: string) =>
    service.call('POST', '/v1/auth/refresh', { body: clientId === undefined ? { refreshToken } : { refreshToken, clientId } });

  async function familyRevoked(refreshToken: string): Promise<boolean> {
    const rows = await service.store.query<{ revoked: boolean }>(
      'SELECT revoked_at IS NOT NULL AS revoked FROM refresh_tokens WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)',
      [hashToken(refreshToken)],
    );
    expect(rows.length).toBeGreaterThan(0);
    return rows.every((row) => row.revoked);
  }

  it('answers a lost refresh again: the same client presenting the rotated token within the window gets the same successor', async () => {
    const login = await service.signIn('owner@northwind.example');
    const client = randomUUID();
    const first = await refresh(login.refreshToken, client);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    // The answer was lost; the client retries 30 s later with the token it still holds.
    service.setNow(at(30_000));
    const again = await refresh(login.refreshToken, client);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.refreshToken).toBe(first.body.refreshToken);
    expect(again.body.user.id).toBe(login.user.id);
    expect((await service.call('GET', '/v1/me', { token: again.body.accessToken })).status).toBe(200);
    // The session carries on from the successor.
    const next = await refresh(again.body.refreshToken, client);
    expect(next.status).toBe(200);
    expect(next.body.refreshToken).not.toBe(again.body.refreshToken);
    expect(await familyRevoked(next.body.refreshToken)).toBe(false);
  });

  it('gives concurrent refreshes with one token the same successor, and revokes nothing', async () => {
    const login = await service.signIn('billing@northwind.example');
    const client = randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => refresh(login.refreshToken, client)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((answer) => answer.body.refreshToken)).size).toBe(1);
    expect(await familyRevoked(login.refreshToken)).toBe(false);
    const [row] = await service.store.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM refresh_tokens WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)',
      [hashToken(login.refreshToken)],
    );
    expect(row!.n).toBe(2);
  });

  it('still revokes the family when another client presents the rotated token (a stolen token)', async () => {
    const login = await service.signIn('readonly@northwind.example');
    const owner = randomUUID();
    const rotated = await refresh(login.refreshToken, owner);
    expect(rotated.status).toBe(200);
    const thief = await refresh(login.refreshToken, randomUUID());
    expect(thief.status).toBe(401);
    expect(thief.body.error.code).toBe('UNAUTHENTICATED');
    expect(await familyRevoked(login.refreshToken)).toBe(true);
    expect((await refresh(rotated.body.refreshToken, owner)).status).toBe(401);
    expect((await service.call('GET', '/v1/me', { token: rotated.body.accessToken })).status).toBe(401);
  });

  it('still revokes the family when the rotated token comes back without a client id', async () => {
    const login = await service.signIn('admin@wingtip-toys.example');
    const owner = randomUUID();
    const rotated = await refresh(login.refreshToken, owner);
    expect(rotated.status).toBe(200);
    expect((await refresh(login.refreshToken)).status).toBe(401);
    expect((await refresh(rotated.body.refreshToken, owner)).status).toBe(401);

    // And a rotation made without a client id has no grace for anyone.
    const second = await service.signIn('admin@wingtip-toys.example');
    expect((await refresh(second.refreshToken)).status).toBe(200);
    expect((await refresh(second.refreshToken)).status).toBe(401);
    expect(await familyRevoked(second.refreshToken)).toBe(true);
  });

  it('answers the same successor to the same client days later while it is unused (a crash before the keychain write), and revokes for another client', async () => {
    const login = await service.signIn('admin@contoso-dental.example');
    const client = randomUUID();
    const rotated = await refresh(login.refreshToken, client);
    expect(rotated.status).toBe(200);
    service.setNow(at(3 * 24 * 60 * 60 * 1000));
    const late = await refresh(login.refreshToken, client);
    expect(late.status).toBe(200);
    expect(late.body.refreshToken).toBe(rotated.body.refreshToken);
    expect(await familyRevoked(login.refreshToken)).toBe(false);
    expect((await refresh(login.refreshToken, randomUUID())).status).toBe(401);
    expect(await familyRevoked(login.refreshToken)).toBe(true);
    expect((await refresh(rotated.body.refreshToken, client)).status).toBe(401);
  });

  it('revokes the family on reuse of a token whose successor was already used, even within the window', async () => {
    const login = await service.signIn('admin@alpine-ski-house.example');
    const client = randomUUID();
    const second = await refresh(login.refreshToken, client);
    const third = await refresh(second.body.refreshToken, client);
    expect([second.status, third.status]).toEqual([200, 200]);
    service.setNow(at(5_000));
    expect((await refresh(login.refreshToken, client)).status).toBe(401);
    expect(await familyRevoked(login.refreshToken)).toBe(true);
    expect((await refresh(third.body.refreshToken, client)).status).toBe(401);
  });

  it('stores no refresh token in plain text, successors included', async () => {
    const login = await service.signIn('admin@fabrikam-it-partners.example');
    const rotated = await refresh(login.refreshToken, randomUUID());
    expect(rotated.status).toBe(200);
    const rows = await service.store.query<Record<string, unknown>>(
      'SELECT * FROM refresh_tokens WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)',
      [hashToken(login.refreshToken)],
    );
    const stored = JSON.stringify(rows);
    for (const token of [login.refreshToken, rotated.body.refreshToken]) expect(stored).not.toContain(token);
  });

  it('answers the same successor from another instance with another token secret (nothing to share but the database)', async () => {
    const login = await service.signIn('admin@tailspin-solutions.example');
    const client = randomUUID();
    const rotated = await refresh(login.refreshToken, client);
    expect(rotated.status).toBe(200);
    const other = await buildService({ store: service.store, tokenSecret: randomBytes(32), logger: false, now: () => at(10_000) });
    try {
      const again = await other.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: login.refreshToken, clientId: client } });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json<{ refreshToken: string }>().refreshToken).toBe(rotated.body.refreshToken);
    } finally {
      await other.close();
    }
  });

  it('refuses a client id that is not a UUID with VALIDATION and rotates nothing', async () => {
    const login = await service.signIn('owner@northwind.example');
    const bad = await refresh(login.refreshToken, 'not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION');
    expect((await refresh(login.refreshToken, randomUUID())).status).toBe(200);
  });
});
