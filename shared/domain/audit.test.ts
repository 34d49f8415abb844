import { describe, expect, it } from 'vitest';
import { auditEventSchema, auditSentence, changedFields, type AuditEvent } from './audit';

const event: AuditEvent = {
  id: '8e0a2c4e-6a8c-4e2a-b4c6-e8a0c2e4a6c8',
  orgId: '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4',
  actorUserId: '6f1c2a3e-0b7d-4c1e-9a2b-3c4d5e6f7a80',
  actorEmail: 'Ann@northwind.example',
  entity: 'user',
  entityId: '4c6e8a0c-2e4a-4c8e-a0c2-e4a6c8e0a2c4',
  action: 'deactivateUser',
  before: { status: 'active' },
  after: { status: 'deactivated' },
  at: '2024-03-01T09:00:00Z',
  origin: { kind: 'online' },
};
const offline = {
  kind: 'offline',
  clientId: '7d9f1b3d-5f7b-4d9f-91b3-d5f7b9d1f3b5',
  batchId: '3e5a7c9e-1a3c-4e7a-9c1e-3a5c7e9a1c3e',
  mutationId: 17,
} as const;

function pathOf(data: unknown) {
  return auditEventSchema.safeParse(data).error?.issues[0]?.path;
}

describe('auditEventSchema', () => {
  it('accepts online and offline changes, creations and removals', () => {
    expect(auditEventSchema.parse(event)).toEqual(event);
    const queued = { ...event, origin: offline, before: null };
    expect(auditEventSchema.parse(queued)).toEqual(queued);
    const single = { ...event, origin: { ...offline, batchId: null }, after: null, actorUserId: null };
    expect(auditEventSchema.parse(single)).toEqual(single);
  });

  it('refuses bad fields with their path', () => {
    expect(pathOf({ ...event, entity: 'password' })).toEqual(['entity']);
    expect(pathOf({ ...event, entityId: 'u1' })).toEqual(['entityId']);
    expect(pathOf({ ...event, action: '' })).toEqual(['action']);
    expect(pathOf({ ...event, at: 'yesterday' })).toEqual(['at']);
    expect(pathOf({ ...event, origin: { kind: 'email' } })).toEqual(['origin', 'kind']);
    expect(pathOf({ ...event, origin: { ...offline, mutationId: 0 } })).toEqual(['origin', 'mutationId']);
    expect(pathOf({ ...event, origin: { ...offline, batchId: undefined } })).toEqual(['origin', 'batchId']);
    expect(pathOf({ ...event, origin: { kind: 'offline', batchId: null, mutationId: 3 } })).toEqual(['origin', 'clientId']);
  });
});

describe('auditSentence', () => {
  const ORG = '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4';
  const names = { org: (id: string) => (id === ORG ? 'Wingtip Toys' : undefined) };
  const say = (entity: AuditEvent['entity'], action: string, before: unknown, after: unknown, count?: number) =>
    auditSentence({ orgId: ORG, entity, action, before, after }, names, count);
  const ruben = { id: event.entityId, orgId: ORG, version: 3, firstName: 'Ruben', lastName: 'Murphy', email: 'ruben.murphy@wingtip.example', status: 'active', roleIds: [], permissions: [], lastActiveAt: null };
  const org = { id: ORG, orgId: ORG, version: 4, name: 'Contoso Dental', kind: 'customer', billingEmail: 'a@contoso.example', vatNumber: null, taxRate: 2100, updatedAt: '2026-11-01T00:00:00.000Z' };
  const backup = { product: 'Seatdesk Backup', plan: 'Pro', status: 'active', quantity: 10 };

  it('says what happened to people, naming them', () => {
    expect(say('user', 'deactivateUser', ruben, { ...ruben, status: 'deactivated' })).toBe('Deactivated Ruben Murphy');
    expect(say('user', 'activateUser', { ...ruben, status: 'deactivated' }, ruben)).toBe('Activated Ruben Murphy');
    expect(say('user', 'inviteUsers', null, { ...ruben, status: 'pending' })).toBe('Invited ruben.murphy@wingtip.example to Wingtip Toys');
    expect(say('user', 'inviteUsers', null, { ...ruben, status: 'pending' }, 3)).toBe('Invited 3 people to Wingtip Toys');
    expect(say('user', 'deactivateUser', ruben, { ...ruben, status: 'deactivated' }, 12)).toBe('Deactivated 12 people in Wingtip Toys');
    expect(say('user', 'removeUser', ruben, null)).toBe('Removed Ruben Murphy from Wingtip Toys');
    expect(say('user', 'createUser', null, ruben)).toBe('Added Ruben Murphy to Wingtip Toys');
    expect(say('user', 'createUser', null, { ...ruben, status: 'deactivated' })).toBe('Added Ruben Murphy to Wingtip Toys as inactive');
    expect(say('user', 'updateUser', ruben, { ...ruben, lastName: 'Murphy-Byrne', version: 4 })).toBe('Renamed Ruben Murphy to Ruben Murphy-Byrne');
    expect(say('user', 'updateUser', ruben, { ...ruben, roleIds: ['4c6e8a0c-2e4a-4c8e-a0c2-e4a6c8e0a2c4'] })).toBe('Changed the roles of Ruben Murphy');
    expect(say('user', 'updateUser', ruben, { ...ruben, roleIds: ['4c6e8a0c-2e4a-4c8e-a0c2-e4a6c8e0a2c4'], permissions: ['users.view'] }, 4)).toBe(
      'Changed the roles and individual permissions of 4 people in Wingtip Toys',
    );
    expect(say('user', 'resendInvitation', ruben, ruben)).toBe('Resent the invitation to ruben.murphy@wingtip.example');
    expect(say('user', 'acceptInvitation', { ...ruben, status: 'pending' }, ruben)).toBe('Accepted the invitation to Wingtip Toys');
  });

  it("names the fields an organization's change touched, in words, with the organization's own name", () => {
    expect(say('organization', 'updateOrg', org, { ...org, billingEmail: 'finance@contoso.example', version: 5 })).toBe('Changed the billing email of Contoso Dental');
    expect(say('organization', 'updateOrg', org, { ...org, billingEmail: 'b@contoso.example', vatNumber: 'NL123456789B01' })).toBe('Changed the billing email and VAT number of Contoso Dental');
    expect(say('organization', 'updateOrg', org, { ...org, billingEmail: 'b@c.example', vatNumber: 'NL1', taxRate: 0, name: 'Contoso' })).toBe(
      'Changed the name, billing email, VAT number and 1 other detail of Contoso',
    );
    expect(say('organization', 'removeUser', { ...org, primaryContactUserId: ruben.id }, { ...org, primaryContactUserId: null })).toBe('Changed the primary contact of Contoso Dental');
    expect(say('organization', 'createOrg', null, org)).toBe('Created the customer organization Contoso Dental');
    // Addresses compare by value, whatever the key order.
    const address = { line1: 'Main 1', city: 'Delft', country: 'NL' };
    expect(changedFields({ ...org, billingAddress: address }, { ...org, billingAddress: { country: 'NL', city: 'Delft', line1: 'Main 1' } })).toEqual([]);
  });

  it('says how a plan or seat change moved a subscription, as the service records it (the whole row before and after)', () => {
    const pro = {
      id: '5d7f9b1d-3f5b-4d7f-9b1d-3f5b7d9f1b3d', orgId: ORG, version: 2, product: 'Seatdesk Pro', plan: 'Business', basis: 'per_active_user', quantity: 10,
      unitPrice: 1250, currency: 'EUR', interval: 'monthly', status: 'active', updatedAt: '2026-11-01T00:00:00.000Z',
    };
    const standard = { ...pro, plan: 'Standard', unitPrice: 890, version: 3, updatedAt: '2026-11-20T10:00:00.000Z' };
    expect(say('subscription', 'changeSubscriptionPlan', pro, standard)).toBe("Changed Wingtip Toys' Seatdesk Pro plan from Business to Standard (€12.50 to €8.90 per seat)");
    const contoso = { org: () => 'Contoso Dental' };
    expect(auditSentence({ orgId: ORG, entity: 'subscription', action: 'changeSubscriptionPlan', before: pro, after: standard }, contoso)).toBe(
      "Changed Contoso Dental's Seatdesk Pro plan from Business to Standard (€12.50 to €8.90 per seat)",
    );
    const backupRow = { ...pro, product: 'Seatdesk Backup', basis: 'fixed_quantity', unitPrice: 300, currency: 'GBP' };
    expect(say('subscription', 'changeSubscriptionPlan', backupRow, { ...backupRow, plan: 'Enterprise', unitPrice: 390 })).toBe(
      "Changed Wingtip Toys' Seatdesk Backup plan from Business to Enterprise (£3.00 to £3.90 per unit)",
    );
    // The same price (or none recorded): no price in the sentence.
    expect(say('subscription', 'changeSubscriptionPlan', { product: 'Seatdesk Pro', plan: 'Business' }, { product: 'Seatdesk Pro', plan: 'Partner' })).toBe(
      "Changed Wingtip Toys' Seatdesk Pro plan from Business to Partner",
    );
    expect(say('subscription', 'changeSubscriptionQuantity', pro, { ...pro, quantity: 15, version: 3 })).toBe('Changed the seats of Seatdesk Pro (Business) for Wingtip Toys from 10 to 15');
    expect(say('subscription', 'changeSubscriptionQuantity', { ...pro, quantity: 1200 }, { ...pro, quantity: 1500 })).toBe('Changed the seats of Seatdesk Pro (Business) for Wingtip Toys from 1,200 to 1,500');
    expect(say('subscription', 'changeSubscriptionQuantity', pro, { ...pro, quantity: 15 }, 4)).toBe('Changed the seats of 4 subscriptions of Wingtip Toys');
    expect(say('subscription', 'changeSubscriptionPlan', pro, standard, 2)).toBe('Changed the plan of 2 subscriptions of Wingtip Toys');
    // A malformed row never makes a wrong number or price.
    expect(say('subscription', 'changeSubscriptionQuantity', { ...pro, quantity: '10' }, { ...pro, quantity: null })).toBe(
      'Changed the seats of Seatdesk Pro (Business) for Wingtip Toys from an unknown number to an unknown number',
    );
    expect(say('subscription', 'changeSubscriptionPlan', { ...pro, unitPrice: 12.5 }, { ...standard, currency: 'XYZ1' })).toBe("Changed Wingtip Toys' Seatdesk Pro plan from Business to Standard");
  });

  it('speaks of roles, billing contacts, payment methods, subscriptions and invoices', () => {
    const role = { name: 'Auditors', permissions: ['audit.view'], builtIn: false };
    expect(say('role', 'createRole', null, role)).toBe('Created the role Auditors in Wingtip Toys');
    expect(say('role', 'updateRole', role, { ...role, permissions: ['audit.view', 'users.view'] })).toBe('Changed the permissions of the role Auditors');
    expect(say('role', 'updateRole', role, { ...role, name: 'Reviewers' })).toBe('Renamed the role Auditors to Reviewers');
    expect(say('role', 'deleteRole', role, null)).toBe('Deleted the role Auditors from Wingtip Toys');
    expect(say('role', 'installBuiltInRoles', null, { ...role, name: 'Billing', builtIn: true })).toBe('Installed the built-in role Billing in Wingtip Toys');

    const contact = { email: 'ap@wingtip.example', userId: null, kinds: ['invoices'] };
    expect(say('billing_contact', 'addBillingContact', null, contact)).toBe('Added the billing contact ap@wingtip.example to Wingtip Toys');
    expect(say('billing_contact', 'updateBillingContact', contact, { ...contact, kinds: ['invoices', 'payment_reminders'] })).toBe('Changed which emails ap@wingtip.example receives');
    expect(say('billing_contact', 'removeBillingContact', contact, null)).toBe('Removed the billing contact ap@wingtip.example from Wingtip Toys');

    const card = { type: 'card', brand: 'visa', last4: '4242', isDefault: false };
    expect(say('payment_method', 'setDefaultPaymentMethod', card, { ...card, isDefault: true })).toBe('Made the Visa card ending in 4242 the default payment method of Wingtip Toys');
    expect(say('payment_method', 'setDefaultPaymentMethod', { ...card, isDefault: true }, card)).toBe('Replaced the Visa card ending in 4242 as the default payment method of Wingtip Toys');
    expect(say('payment_method', 'removePaymentMethod', { type: 'sepa_debit', brand: 'sepa', last4: '3000' }, null)).toBe('Removed the SEPA Direct Debit account ending in 3000 from Wingtip Toys');

    expect(say('subscription', 'cancelSubscription', backup, { ...backup, status: 'cancel_scheduled' })).toBe('Scheduled the cancellation of Seatdesk Backup (Pro) for Wingtip Toys');
    expect(say('subscription', 'cancelSubscription', backup, { ...backup, status: 'cancelled' })).toBe('Cancelled Seatdesk Backup (Pro) for Wingtip Toys');
    expect(say('subscription', 'reactivateSubscription', { ...backup, status: 'cancelled' }, backup)).toBe('Reactivated Seatdesk Backup (Pro) for Wingtip Toys');
    expect(say('subscription', 'removeScheduledCancellation', { ...backup, status: 'cancel_scheduled' }, backup)).toBe('Removed the scheduled cancellation of Seatdesk Backup (Pro) for Wingtip Toys');
    expect(say('subscription', 'endTrial', { ...backup, status: 'trial' }, backup)).toBe('Ended the trial of Seatdesk Backup (Pro) for Wingtip Toys, which is now active');
    expect(say('subscription', 'applyScheduledCancellation', { ...backup, status: 'cancel_scheduled' }, { ...backup, status: 'cancelled' })).toBe('Cancelled Seatdesk Backup (Pro) for Wingtip Toys as scheduled');
    // An action this build does not know is told from what it changed.
    // An action this build does not know, described from the one field it changed.
    expect(say('subscription', 'adjustSeats', backup, { ...backup, quantity: 12 })).toBe('Changed the seats of Seatdesk Backup (Pro) for Wingtip Toys from 10 to 12');
    expect(say('subscription', 'movePlan', backup, { ...backup, plan: 'Enterprise' })).toBe('Changed the plan of Seatdesk Backup for Wingtip Toys from Pro to Enterprise');

    const invoice = { number: 'SD-2026-000119', status: 'open', total: 25500 };
    expect(say('invoice', 'issueInvoice', null, invoice)).toBe('Issued invoice SD-2026-000119 to Wingtip Toys');
    expect(say('invoice', 'markInvoiceOverdue', invoice, { ...invoice, status: 'overdue' })).toBe('Marked invoice SD-2026-000119 of Wingtip Toys as overdue');
  });

  it('never shows an id or a raw instant, even for what it does not know', () => {
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-/i;
    const instant = /\d{4}-\d{2}-\d{2}T/;
    const cases = [
      say('user', 'updateUser', ruben, { ...ruben, lastActiveAt: '2026-11-02T09:00:00.000Z', roleIds: [ORG] }),
      say('organization', 'somethingNew', org, org),
      say('invoice', 'voidInvoice', { id: ORG, number: 'X-1', status: 'open', dueAt: '2026-11-15T00:00:00.000Z' }, { id: ORG, number: 'X-1', status: 'open', dueAt: '2026-12-15T00:00:00.000Z' }),
      auditSentence({ orgId: '7d9f1b3d-5f7b-4d9f-91b3-d5f7b9d1f3b5', entity: 'user', action: 'inviteUsers', before: null, after: null }, names, 2),
      auditSentence({ orgId: ORG, entity: 'subscription', action: 'anything', before: 'not an object', after: [1, 2] }, names),
    ];
    expect(cases).toEqual([
      'Changed the roles of Ruben Murphy',
      'Something new: Contoso Dental',
      'Changed the due date of invoice X-1 of Wingtip Toys',
      'Invited 2 people to an organization',
      'Anything: a subscription for Wingtip Toys',
    ]);
    for (const sentence of cases) {
      expect(sentence).not.toMatch(uuid);
      expect(sentence).not.toMatch(instant);
    }
  });
});
