import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_TOKEN, startTestService, testDatabases, type TestService } from '../../test/support/service';
import { generateDemoDataset } from '../seed/dataset';

const demo = generateDemoDataset();
const CONTOSO = demo.orgs.find((org) => org.name === 'Contoso Dental')!.id;
const MEMBER_ROLE = demo.roles.find((role) => role.orgId === CONTOSO && role.builtInKey === 'member')!.id;
const ADMIN = 'admin@contoso-dental.example';
const NEW_PASSWORD = 'correct horse battery staple';
const START = Date.parse('2026-11-02T09:00:00Z');

describe.each(testDatabases())('accepting an invitation (%s)', (database) => {
  let service: TestService;
  let adminToken: string;

  beforeAll(async () => {
    service = await startTestService({ database, now: new Date(START) });
    adminToken = (await service.signIn(ADMIN)).accessToken;
  }, 60_000);
  afterAll(async () => {
    await service?.close();
  });

  /** The token of the newest link mailed to the address, read as an operator would. */
  async function mailedToken(to: string): Promise<string> {
    const mail = await service.call('GET', `/v1/operator/mail?to=${encodeURIComponent(to)}`, { token: OPERATOR_TOKEN });
    expect(mail.status).toBe(200);
    const [latest] = mail.body.items;
    expect(latest, `mail to ${to}`).toBeDefined();
    const token = /token=([A-Za-z0-9_-]+)/.exec(latest.body)?.[1];
    expect(token).toBeDefined();
    return token!;
  }

  const accept = (token: string, password = NEW_PASSWORD) => service.call('POST', '/v1/invitations/accept', { body: { token, password } });

  async function userRow(email: string) {
    const [row] = await service.store.query<{ id: string; status: string; version: number; must_reset_password: boolean }>(
      'SELECT id, status, version, must_reset_password FROM users WHERE org_id = $1 AND email_key = lower($2)',
      [CONTOSO, email],
    );
    return row!;
  }

  it('activates an invitee, signs them in, and refuses the link a second time', async () => {
    const email = 'Grace.Hopper@Contoso-Dental.example';
    const invited = await service.call('POST', `/v1/orgs/${CONTOSO}/invitations`, { token: adminToken, body: { emails: [email], roleIds: [MEMBER_ROLE] } });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const pending = await userRow(email);
    expect(pending.status).toBe('pending');
    // The operator's mail list matches the recipient case-insensitively.
    const token = await mailedToken(email.toUpperCase());

    const tooShort = await accept(token, 'short pass');
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.error.code).toBe('VALIDATION');
    expect((await userRow(email)).status).toBe('pending');

    const accepted = await accept(token);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.user).toMatchObject({ id: pending.id, status: 'active', version: pending.version + 1, roleIds: [MEMBER_ROLE] });
    expect(accepted.body.accessToken).toEqual(expect.any(String));
    expect(accepted.body.refreshToken).toEqual(expect.any(String));
    const me = await service.call('GET', '/v1/me', { token: accepted.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(pending.id);

    const signIn = await service.signIn(email, NEW_PASSWORD);
    expect(signIn.user.id).toBe(pending.id);

    const reused = await accept(token, 'another password 123');
    expect(reused.status).toBe(404);
    expect(reused.body.error.code).toBe('NOT_FOUND');
    await service.signIn(email, NEW_PASSWORD);

    const audit = await service.call('GET', `/v1/orgs/${CONTOSO}/audit?limit=5`, { token: adminToken });
    const event = audit.body.items.find((item: { action: string }) => item.action === 'acceptInvitation');
    expect(event).toMatchObject({ actorUserId: pending.id, entity: 'user', entityId: pending.id, before: { status: 'pending' }, after: { status: 'active' } });
  });

  it('lets a user an admin created choose a password, staying active', async () => {
    const email = 'alan.turing@contoso-dental.example';
    const created = await service.call('POST', `/v1/orgs/${CONTOSO}/users`, {
      token: adminToken,
      body: { firstName: 'Alan', lastName: 'Turing', email, roleIds: [MEMBER_ROLE] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await userRow(email)).must_reset_password).toBe(true);
    const accepted = await accept(await mailedToken(email));
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ status: 'active', version: created.body.version });
    expect((await userRow(email)).must_reset_password).toBe(false);
    await service.signIn(email, NEW_PASSWORD);
  });

  it('keeps the link of a deactivated user for when they are activated', async () => {
    const email = 'ada.lovelace@contoso-dental.example';
    const created = await service.call('POST', `/v1/orgs/${CONTOSO}/users`, {
      token: adminToken,
      body: { firstName: 'Ada', lastName: 'Lovelace', email, active: false },
    });
    expect(created.status).toBe(201);
    const token = await mailedToken(email);
    const refused = await accept(token);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('INVALID_TRANSITION');
    expect((await userRow(email)).must_reset_password).toBe(true);

    const activated = await service.call('POST', `/v1/orgs/${CONTOSO}/users/${created.body.id}/activate`, { token: adminToken });
    expect(activated.status).toBe(200);
    expect((await accept(token)).status).toBe(200);
  });

  it('refuses an unknown, a replaced and an expired link alike', async () => {
    expect((await accept('no-such-token-at-all')).status).toBe(404);

    const email = 'katherine.johnson@contoso-dental.example';
    const invited = await service.call('POST', `/v1/orgs/${CONTOSO}/invitations`, { token: adminToken, body: { emails: [email] } });
    expect(invited.status).toBe(201);
    const first = await mailedToken(email);
    service.setNow(new Date(START + 60_000));
    const resent = await service.call('POST', `/v1/orgs/${CONTOSO}/invitations/${invited.body.items[0].id}/resend`, { token: adminToken });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    const second = await mailedToken(email);
    expect(second).not.toBe(first);
    expect((await accept(first)).status).toBe(404);

    service.setNow(new Date(START + 15 * 24 * 3600_000));
    const expired = await accept(second);
    expect(expired.status).toBe(404);
    expect(expired.body.error.code).toBe('NOT_FOUND');
    expect((await userRow(email)).status).toBe('pending');
    service.setNow(new Date(START + 120_000));
  });

  it('refuses unknown fields and a missing token', async () => {
    for (const body of [{ token: 'x', password: NEW_PASSWORD, extra: 1 }, { password: NEW_PASSWORD }, { token: '', password: NEW_PASSWORD }]) {
      const response = await service.call('POST', '/v1/invitations/accept', { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION');
    }
  });
});
