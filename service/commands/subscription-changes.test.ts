import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prorate } from '@shared/domain/proration';
import { toInvoice } from '../db/rows';
import { runLifecycle } from '../lifecycle/run';
import { testDatabases } from '../../test/support/service';
import { DEMO_NOW, auditOf, demoSubscription, startCommandKit, subscriptionChangeMail, type CommandKit } from '../../test/support/commands';

describe.each(testDatabases())('changing seats and plan (%s)', (database) => {
  let kit: CommandKit;
  beforeAll(async () => {
    kit = await startCommandKit(database);
  });
  afterAll(async () => {
    await kit?.close();
  });

  const subscription = (orgName: string, product: string) => demoSubscription(kit, orgName, product);
  const changeMail = (orgId: string) => subscriptionChangeMail(kit, orgId);

  it('changes the seats of a fixed-seat plan, audited, and tells the contacts what the next invoice charges', async () => {
    const sub = await subscription('Contoso Dental', 'Seatdesk Backup');
    const before = await sub.read();
    expect(before).toMatchObject({ basis: 'fixed_quantity', status: 'active', unitPrice: 300, currency: 'EUR' });
    const response = await kit.call('POST', `${sub.path}/quantity`, { quantity: before.quantity + 2 });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ...before, quantity: before.quantity + 2, version: before.version + 1, updatedAt: DEMO_NOW.toISOString() });
    expect(await sub.read()).toEqual(response.body);

    const [event] = await auditOf(kit, sub.id);
    expect(event).toMatchObject({ action: 'changeSubscriptionQuantity', before: { quantity: before.quantity }, after: { quantity: before.quantity + 2 } });
    // 2 November: 29 of November's 30 days of 2 x 3.00 = 5.80, the same as the shared rule says.
    expect(prorate(before, { quantity: before.quantity + 2 }, DEMO_NOW.toISOString()).amount).toEqual({ amount: 580, currency: 'EUR' });
    const mail = await changeMail(sub.orgId);
    expect(mail.map((m) => m['recipient'])).toEqual(['it@contoso-dental.example']);
    expect(String(mail[0]?.['body'])).toContain(`now has ${before.quantity + 2} seats (was ${before.quantity}). The next invoice charges €5.80 for 2026-11-02 to 2026-11-30`);

    const fewer = await kit.call('POST', `${sub.path}/quantity`, { quantity: 1 });
    expect(fewer.body).toMatchObject({ quantity: 1, version: before.version + 2 });
    // The frozen clock gives both mails one created_at: find the second by what it says.
    expect((await changeMail(sub.orgId)).map((m) => String(m['body'])).filter((body) => body.includes('now has 1 seat (was'))[0]).toContain('The next invoice credits');
  });

  it('refuses seats for a per-user plan, the same number, none, and an ended subscription, changing nothing', async () => {
    const backup = await subscription('Contoso Dental', 'Seatdesk Backup');
    const current = (await backup.read()).quantity;
    const same = await kit.expectRefused(backup.orgId, 'VALIDATION', 400, () => kit.call('POST', `${backup.path}/quantity`, { quantity: current }));
    expect(same.error.message).toBe(`Seatdesk Backup (Business) already has ${current} ${current === 1 ? 'seat' : 'seats'}.`);
    const none = await kit.expectRefused(backup.orgId, 'VALIDATION', 400, () => kit.call('POST', `${backup.path}/quantity`, { quantity: 0 }));
    expect(JSON.stringify(none.error)).toContain('Enter at least 1 seat; to stop, cancel the subscription.');
    await kit.expectRefused(backup.orgId, 'VALIDATION', 400, () => kit.call('POST', `${backup.path}/quantity`, { quantity: 2.5 }));

    const perUser = await subscription('Contoso Dental', 'Seatdesk Pro');
    const refused = await kit.expectRefused(perUser.orgId, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${perUser.path}/quantity`, { quantity: 40 }));
    expect(refused.error.message).toContain('billed per active user');

    const cancelled = await subscription('Lucerne Publishing', 'Seatdesk Backup');
    expect((await cancelled.read()).status).toBe('cancelled');
    const ended = await kit.expectRefused(cancelled.orgId, 'INVALID_TRANSITION', 409, () => kit.call('POST', `${cancelled.path}/quantity`, { quantity: 99 }));
    expect(ended.error.message).toContain('Reactivate it first.');
  });

  it('moves a plan to another of the same product at its price, and refuses a plan not on offer', async () => {
    const sub = await subscription('Contoso Dental', 'Seatdesk Pro');
    const before = await sub.read();
    expect(before).toMatchObject({ plan: 'Business', unitPrice: 1250, currency: 'EUR', basis: 'per_active_user' });
    const refused = await kit.expectRefused(sub.orgId, 'VALIDATION', 400, () => kit.call('POST', `${sub.path}/plan`, { plan: 'Gold' }));
    expect(refused.error.message).toBe('Seatdesk Pro can move to Standard or Partner, not to Gold.');
    await kit.expectRefused(sub.orgId, 'VALIDATION', 400, () => kit.call('POST', `${sub.path}/plan`, { plan: 'Business' }));

    const moved = await kit.call('POST', `${sub.path}/plan`, { plan: 'Standard' });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ ...before, plan: 'Standard', unitPrice: 890, version: before.version + 1, updatedAt: DEMO_NOW.toISOString() });
    const [event] = await auditOf(kit, sub.id);
    expect(event).toMatchObject({ action: 'changeSubscriptionPlan', before: { plan: 'Business', unitPrice: 1250 }, after: { plan: 'Standard', unitPrice: 890 } });
    expect((await changeMail(sub.orgId)).map((m) => String(m['body'])).some((body) => body.includes('moved to the Standard plan. The next invoice credits'))).toBe(true);
  });

  it('needs subscriptions.manage', async () => {
    const sub = await subscription('Contoso Dental', 'Seatdesk Backup');
    const viewer = await kit.one(
      `SELECT u.email FROM users u WHERE u.org_id = $1 AND u.status = 'active' AND u.password_hash IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.id = ANY (u.role_ids) AND 'subscriptions.manage' = ANY (r.permissions))
         AND NOT ('subscriptions.manage' = ANY (u.permissions)) ORDER BY u.email LIMIT 1`,
      [sub.orgId],
    );
    const session = await kit.test.signIn(String(viewer['email']));
    const before = (await sub.read()).quantity;
    await kit.expectRefused(sub.orgId, 'FORBIDDEN', 403, () => kit.call('POST', `${sub.path}/quantity`, { quantity: before + 1 }, session.accessToken));
  });

  // Last: it moves the clock on. The changes above were made on 2 November (29 of 30 days left).
  it("bills the period's invoice prorated: the old seats until the change, the new ones from its day", async () => {
    const backup = await subscription('Contoso Dental', 'Seatdesk Backup');
    const changes = await auditOf(kit, backup.id);
    const firstQuantity = Number((changes[0]?.['before'] as { quantity: number }).quantity);
    const finalQuantity = (await backup.read()).quantity;
    expect([firstQuantity, finalQuantity]).toEqual([20, 1]);
    const when = new Date('2026-12-01T00:05:00Z');
    kit.test.setNow(when);
    await runLifecycle(kit.test.store, { asOf: when, now: when });
    const invoice = toInvoice(
      await kit.one("SELECT * FROM invoices WHERE org_id = $1 AND period_end = '2026-11-30' AND currency = 'EUR'", [backup.orgId]),
    );
    const lines = invoice.lines.filter((line) => line.subscriptionId === backup.id);
    // The arrears line at the final seat count, then one correction per change:
    // 20 -> 22: prorated 5.80, whole month 6.00, so -0.20; 22 -> 1: prorated -60.90, whole month -63.00, so +2.10.
    expect(lines).toEqual([
      expect.objectContaining({ quantity: 1, unitPrice: 300, amount: 300 }),
      { subscriptionId: backup.id, description: 'Proration: 20 to 22 seats from 2026-11-02 (29 of 30 days)', quantity: 1, unitPrice: -20, amount: -20 },
      { subscriptionId: backup.id, description: 'Proration: 22 to 1 seat from 2026-11-02 (29 of 30 days)', quantity: 1, unitPrice: 210, amount: 210 },
    ]);
    // 20 seats for the whole month, plus the two prorated changes: 60.00 + 5.80 - 60.90 = 4.90.
    expect(lines.reduce((sum, line) => sum + line.amount, 0)).toBe(6000 + 580 - 6090);
    expect(invoice.subtotal).toBe(invoice.lines.reduce((sum, line) => sum + line.amount, 0));

    const pro = await subscription('Contoso Dental', 'Seatdesk Pro');
    const proLines = invoice.lines.filter((line) => line.subscriptionId === pro.id);
    expect(proLines).toHaveLength(2);
    const users = proLines[0]!.quantity;
    // Business (12.50) until 2 November, Standard (8.90) from it: the 1 day at 12.50 is charged back in.
    expect(proLines[0]).toMatchObject({ unitPrice: 890, amount: 890 * users });
    expect(proLines[1]).toMatchObject({ description: 'Proration: Business to Standard plan from 2026-11-02 (29 of 30 days)', amount: Math.round((360 * users) / 30) });
  });
});
