import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/service';
import { auditOf, giveDemoPassword, startCommandKit, type CommandKit } from '../../test/support/commands';

describe.each(testDatabases())('invitation commands (%s)', (database) => {
  let kit: CommandKit;
  beforeAll(async () => {
    kit = await startCommandKit(database);
  });
  afterAll(async () => {
    await kit?.close();
  });

  const invitationsOf = (orgId: string) => `/v1/orgs/${orgId}/invitations`;
  const mailTo = (email: string) => kit.rows("SELECT * FROM mail_outbox WHERE lower(recipient) = lower($1) AND kind = 'invitation' ORDER BY created_at, id", [email]);
  const tokenIn = (body: unknown) => /token=([\w-]+)/.exec(String(body))?.[1];

  it('invites several addresses at once as pending users with client-made ids, each mailed a link', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const member = await kit.roleId(orgId, 'Member');
    const ids = [randomUUID(), randomUUID()];
    const response = await kit.call('POST', invitationsOf(orgId), { emails: ['ann.de-vries@contoso-dental.example', 'bob@contoso-dental.example'], roleIds: [member], ids });
    expect(response.status).toBe(201);
    expect(response.body.items).toHaveLength(2);
    expect(response.body.items[0]).toMatchObject({ id: ids[0], status: 'pending', roleIds: [member], firstName: 'Ann', lastName: 'De Vries', version: 1 });
    expect(response.body.items[1]).toMatchObject({ id: ids[1], status: 'pending', firstName: 'Bob', lastName: '(invited)' });
    for (const [index, email] of ['ann.de-vries@contoso-dental.example', 'bob@contoso-dental.example'].entries()) {
      const [mail] = await mailTo(email);
      expect(mail).toMatchObject({ org_id: orgId, subject: 'You are invited to Contoso Dental on Seatdesk' });
      expect(tokenIn(mail?.['body'])).toBeDefined();
      expect(await kit.rows('SELECT * FROM invitations WHERE user_id = $1', [ids[index]])).toHaveLength(1);
      expect((await auditOf(kit, ids[index]!))[0]).toMatchObject({ action: 'inviteUsers', before: null });
    }
    const listed = await kit.call('GET', `/v1/orgs/${orgId}/users?status=pending`);
    expect(listed.body.items.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining(ids));
  });

  it('refuses the whole batch when any address exists in the organization or repeats (DUPLICATE_EMAIL)', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const existing = await kit.expectRefused(orgId, 'DUPLICATE_EMAIL', 409, () =>
      kit.call('POST', invitationsOf(orgId), { emails: ['fresh@contoso-dental.example', 'ADMIN@Contoso-Dental.example'] }),
    );
    expect(existing.error.details).toEqual([{ path: 'emails.1', message: expect.stringContaining('already has an account') }]);
    const repeated = await kit.expectRefused(orgId, 'DUPLICATE_EMAIL', 409, () =>
      kit.call('POST', invitationsOf(orgId), { emails: ['twice@contoso-dental.example', 'TWICE@contoso-dental.example'] }),
    );
    expect(repeated.error.details).toEqual([{ path: 'emails.1', message: expect.stringContaining('more than once') }]);
    expect(await mailTo('fresh@contoso-dental.example')).toHaveLength(0);
  });

  it('refuses ids already in use or listed twice, and roles of another organization, changing nothing', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const taken = await kit.userId('admin@contoso-dental.example');
    await kit.expectRefused(orgId, 'VALIDATION', 400, () => kit.call('POST', invitationsOf(orgId), { emails: ['c1@contoso-dental.example'], ids: [taken] }));
    const id = randomUUID();
    await kit.expectRefused(orgId, 'VALIDATION', 400, () =>
      kit.call('POST', invitationsOf(orgId), { emails: ['c1@contoso-dental.example', 'c2@contoso-dental.example'], ids: [id, id] }),
    );
    const foreignRole = await kit.roleId(await kit.orgId('Wingtip Toys'), 'Member');
    await kit.expectRefused(orgId, 'VALIDATION', 400, () => kit.call('POST', invitationsOf(orgId), { emails: ['c1@contoso-dental.example'], roleIds: [foreignRole] }));
  });

  it('resends a pending invitation with a new link that replaces the old one', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const invited = await kit.call('POST', invitationsOf(orgId), { emails: ['resend.me@contoso-dental.example'] });
    const user = invited.body.items[0];
    const [first] = await kit.rows('SELECT token_hash FROM invitations WHERE user_id = $1', [user.id]);
    const [firstMail] = await mailTo('resend.me@contoso-dental.example');
    const resent = await kit.call('POST', `${invitationsOf(orgId)}/${user.id}/resend`);
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ id: user.id, status: 'pending' });
    const invitations = await kit.rows('SELECT token_hash FROM invitations WHERE user_id = $1', [user.id]);
    expect(invitations).toHaveLength(1);
    expect(invitations[0]?.['token_hash']).not.toBe(first?.['token_hash']);
    const mails = await mailTo('resend.me@contoso-dental.example');
    expect(mails).toHaveLength(2);
    const oldToken = tokenIn(firstMail?.['body']);
    const newToken = tokenIn(mails.find((mail) => mail['id'] !== firstMail?.['id'])?.['body']);
    expect(newToken).not.toBe(oldToken);
    expect((await auditOf(kit, user.id)).map((e) => e['action'])).toEqual(['inviteUsers', 'resendInvitation']);

    // Only the newest link works; redeeming it makes the invitee an active user who can sign in.
    const password = 'a long enough password';
    expect((await kit.test.call('POST', '/v1/invitations/accept', { body: { token: oldToken, password } })).status).toBe(404);
    const accepted = await kit.test.call('POST', '/v1/invitations/accept', { body: { token: newToken, password } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ id: user.id, status: 'active' });
    expect((await kit.test.signIn('resend.me@contoso-dental.example', password)).user.id).toBe(user.id);
    await kit.expectRefused(orgId, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${invitationsOf(orgId)}/${user.id}/resend`));
  });

  it('resends only to pending users (INVALID_TRANSITION)', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const active = await kit.userId('admin@contoso-dental.example');
    await kit.expectRefused(orgId, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${invitationsOf(orgId)}/${active}/resend`));
  });

  it('revokes an invitation by removing the pending user; the address can be invited again', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const invited = await kit.call('POST', invitationsOf(orgId), { emails: ['revoke.me@contoso-dental.example'] });
    const userId = invited.body.items[0].id;
    expect((await kit.call('DELETE', `/v1/orgs/${orgId}/users/${userId}`)).status).toBe(200);
    expect(await kit.rows('SELECT * FROM users WHERE id = $1', [userId])).toHaveLength(0);
    expect(await kit.rows('SELECT * FROM invitations WHERE user_id = $1', [userId])).toHaveLength(0);
    const again = await kit.call('POST', invitationsOf(orgId), { emails: ['revoke.me@contoso-dental.example'] });
    expect(again.status).toBe(201);
    expect(again.body.items[0].id).not.toBe(userId);
  });

  it('lets a Member invite, but only into roles within the Member’s own permissions', async () => {
    const orgId = await kit.orgId('Contoso Dental');
    const member = await kit.roleId(orgId, 'Member');
    const invited = await kit.call('POST', `/v1/orgs/${orgId}/users`, { firstName: 'Mem', lastName: 'Ber', email: 'member@contoso-dental.example', roleIds: [member] });
    await giveDemoPassword(kit, invited.body.id);
    const session = await kit.test.signIn('member@contoso-dental.example');
    const administrator = await kit.roleId(orgId, 'Administrator');
    await kit.expectRefused(orgId, 'FORBIDDEN', 403, () =>
      kit.call('POST', invitationsOf(orgId), { emails: ['boss@contoso-dental.example'], roleIds: [administrator] }, session.accessToken),
    );
    const allowed = await kit.call('POST', invitationsOf(orgId), { emails: ['peer@contoso-dental.example'], roleIds: [member] }, session.accessToken);
    expect(allowed.status).toBe(201);
  });
});
