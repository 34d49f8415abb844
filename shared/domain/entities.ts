import { z } from 'zod';
import { billingContactSchema } from './billing-contact';
import { invoiceSchema } from './invoice';
import { organizationSchema } from './organization';
import { paymentMethodSchema } from './payment-method';
import { roleSchema } from './role';
import { subscriptionSchema } from './subscription';
import { userSchema } from './user';

export const ENTITY_NAMES = [
  'organization',
  'user',
  'role',
  'billing_contact',
  'subscription',
  'invoice',
  'payment_method',
] as const;
export const entityNameSchema = z.enum(ENTITY_NAMES);
export type EntityName = z.infer<typeof entityNameSchema>;

/**
 * The schema of each synced entity, to parse rows a pull delivers. The schemas are plain
 * z.object (unknown keys stripped, not refused) so a field a newer service adds cannot fail a
 * whole pull page on an older client.
 */
export const ENTITY_SCHEMAS = {
  organization: organizationSchema,
  user: userSchema,
  role: roleSchema,
  billing_contact: billingContactSchema,
  subscription: subscriptionSchema,
  invoice: invoiceSchema,
  payment_method: paymentMethodSchema,
} as const satisfies Record<EntityName, z.ZodType>;

export type EntityOf<N extends EntityName> = z.infer<(typeof ENTITY_SCHEMAS)[N]>;
export type AnyEntity = EntityOf<EntityName>;
