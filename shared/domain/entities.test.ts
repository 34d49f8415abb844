import { describe, expect, it } from 'vitest';
import { billingContactSchema } from './billing-contact';
import { ENTITY_NAMES, ENTITY_SCHEMAS, entityNameSchema } from './entities';
import { invoiceSchema } from './invoice';
import { organizationSchema } from './organization';
import { paymentMethodSchema } from './payment-method';
import { roleSchema } from './role';
import { subscriptionSchema } from './subscription';
import { userSchema } from './user';

describe('entities', () => {
  it('names every synced entity', () => {
    expect(entityNameSchema.options).toEqual([
      'organization',
      'user',
      'role',
      'billing_contact',
      'subscription',
      'invoice',
      'payment_method',
    ]);
    expect(entityNameSchema.safeParse('audit_event').success).toBe(false);
  });

  it('maps each name to its schema', () => {
    expect(Object.keys(ENTITY_SCHEMAS).sort()).toEqual([...ENTITY_NAMES].sort());
    expect(ENTITY_SCHEMAS).toEqual({
      organization: organizationSchema,
      user: userSchema,
      role: roleSchema,
      billing_contact: billingContactSchema,
      subscription: subscriptionSchema,
      invoice: invoiceSchema,
      payment_method: paymentMethodSchema,
    });
  });

  it('strips fields a newer service may add instead of refusing the row', () => {
    const role = {
      id: '3b9d6f2e-1c4a-4e8b-9d7f-5a6b7c8d9e0f',
      orgId: '0e5b7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4',
      version: 1,
      createdAt: '2024-03-01T09:00:00Z',
      updatedAt: '2024-03-01T09:00:00Z',
      name: 'Owner',
      description: '',
      permissions: ['users.view'],
      builtIn: true,
      builtInKey: 'administrator',
    };
    expect(ENTITY_SCHEMAS.role.parse({ ...role, color: 'teal' })).toEqual(role);
  });
});
