import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/service';
import { DEMO_NOW, auditOf, demoSubscription, startCommandKit, subscriptionChangeMail, type CommandKit } from '../../test/support/commands';

describe.each(testDatabases())('subscription commands (%s)', (database) => {
  let kit: CommandKit;
  beforeAll(async () => {
    kit = await startCommandKit(database);
  });
  afterAll(async () => {
    await kit?.close();
  });

  const subscription = (orgName: string, product: string) => demoSubscription(kit, orgName, product);
  const changeMail = (orgId: string) => subscriptionChangeMail(kit, orgId);

  it('cancels under a contract at the contract end, and removing that cancellation restores it unchanged', async () => {
    const sub = await subscription('Contoso Dental', 'Seatdesk Pro');
    const before = await sub.read();
    expect(before).toMatchObject({ status: 'active', cancelAt: null });
    expect(Date.parse(before.contractEnd ?? '')).toBeGreaterThan(DEMO_NOW.getTime());

    const cancelled = await kit.call('POST', `${sub.path}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancel_scheduled', cancelAt: before.contractEnd, environmentId: before.environmentId, version: before.version + 1 });
    // Only the contacts that take subscription changes hear of it.
    const mail = await changeMail(sub.orgId);
    expect(mail.map((m) => m['recipient'])).toEqual(['it@contoso-dental.example']);
    expect(String(mail[0]?.['subject'])).toContain('will be cancelled on');
    await kit.expectRefused(sub.orgId, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${sub.path}/cancel`));
    await kit.expectRefused(sub.orgId, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${sub.path}/reactivate`));

    const restored = await kit.call('POST', `${sub.path}/remove-scheduled-cancellation`);
    expect(restored.status).toBe(200);
    expect(restored.body).toEqual({ ...before, version: before.version + 2, updatedAt: DEMO_NOW.toISOString() });
    await kit.expectRefused(sub.orgId, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${sub.path}/remove-scheduled-cancellation`));
    expect((await auditOf(kit, sub.id)).map((e) => e['action'])).toEqual(['cancelSubscription', 'removeScheduledCancellation']);
  });

  it('cancels a trial at the trial end, and removing the cancellation puts it back on trial', async () => {
    const sub = await subscription('Contoso Dental', 'Seatdesk Endpoint Protection');
    const before = await sub.read();
    expect(before.status).toBe('trial');
    expect((await kit.call('POST', `${sub.path}/cancel`)).body).toMatchObject({ status: 'cancel_scheduled', cancelAt: before.trialEnd });
    expect((await kit.call('POST', `${sub.path}/remove-scheduled-cancellation`)).body).toMatchObject({ status: 'trial', cancelAt: null, trialEnd: before.trialEnd });
  });

  it('cancels without a contract now; reactivating brings it back active in a new environment', async () => {
    const sub = await subscription('Contoso Dental', 'Seatdesk Backup');
    const before = await sub.read();
    expect(before).toMatchObject({ status: 'active', contractEnd: null });
    const cancelled = await kit.call('POST', `${sub.path}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelAt: DEMO_NOW.toISOString(), environmentId: before.environmentId });
    await kit.expectRefused(sub.orgId, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${sub.path}/cancel`));
    await kit.expectRefused(sub.orgId, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${sub.path}/remove-scheduled-cancellation`));

    const reactivated = await kit.call('POST', `${sub.path}/reactivate`);
    expect(reactivated.status).toBe(200);
    expect(reactivated.body).toMatchObject({ status: 'active', cancelAt: null, licenseKey: before.licenseKey });
    expect(reactivated.body.environmentId).not.toBe(before.environmentId);
    expect(reactivated.body.environmentId).toMatch(/^[0-9a-f-]{36}$/);
    await kit.expectRefused(sub.orgId, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${sub.path}/reactivate`));
    expect((await changeMail(sub.orgId)).map((m) => m['subject'])).toContain('Seatdesk Backup (Business) was reactivated');
  });

  it('reactivates a subscription the seed had cancelled; a scheduled one only goes back, not forward', async () => {
    const cancelled = await subscription('Lucerne Publishing', 'Seatdesk Backup');
    expect((await cancelled.read()).status).toBe('cancelled');
    expect((await kit.call('POST', `${cancelled.path}/reactivate`)).body).toMatchObject({ status: 'active' });

    const scheduled = await subscription('Adventure Works Legal', 'Seatdesk Archive');
    expect((await scheduled.read()).status).toBe('cancel_scheduled');
    await kit.expectRefused(scheduled.orgId, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${scheduled.path}/reactivate`));
    await kit.expectRefused(scheduled.orgId, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${scheduled.path}/cancel`));
    expect((await kit.call('POST', `${scheduled.path}/remove-scheduled-cancellation`)).body).toMatchObject({ status: 'active', cancelAt: null });
  });

  it('needs subscriptions.manage: the Billing role is refused (FORBIDDEN) and nothing changes', async () => {
    const sub = await subscription('Northwind MSP', 'Seatdesk Archive');
    const billing = await kit.test.signIn('billing@northwind.example');
    await kit.expectRefused(sub.orgId, 'FORBIDDEN', 403, () => kit.call('POST', `${sub.path}/cancel`, undefined, billing.accessToken));
  });
});
