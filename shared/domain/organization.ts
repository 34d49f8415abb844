import { z } from 'zod';
import { trimmedText } from '../text';
import { emailSchema } from '../email';
import { vatNumberSchema } from '../vat';
import { countryCodeSchema } from '../countries';
import { entityBaseShape, uuidSchema } from './ids';
import { refusal, type Refusal } from './refusal';

export const ORG_KINDS = ['provider', 'reseller', 'customer'] as const;
export const orgKindSchema = z.enum(ORG_KINDS);
export type OrgKind = z.infer<typeof orgKindSchema>;

/** Countries are ISO 3166-1 alpha-2 codes from the shared list (shared/countries.ts). */
export { countryCodeSchema };

export const addressSchema = z.object({
  line1: trimmedText('Addresses').min(1, 'Enter the street and number.').max(200),
  line2: trimmedText('Addresses').max(200).nullable(),
  city: trimmedText('Cities').min(1, 'Enter the city.').max(100),
  postalCode: trimmedText('Postal codes').min(1, 'Enter the postal code.').max(20),
  region: trimmedText('Regions').max(100).nullable(),
  country: countryCodeSchema,
});
export type Address = z.infer<typeof addressSchema>;

/**
 * An address as stored: any two letters for the country, since versions before the country
 * list accepted any. A command (updateOrg) checks new addresses with addressSchema; a row read
 * back is never left out of a client's copy for an old code.
 */
export const storedAddressSchema = addressSchema.extend({
  country: trimmedText('Countries').toUpperCase().regex(/^[A-Z]{2}$/, 'Countries are stored as 2-letter codes.'),
});

/** Tax rate in basis points: 2100 is 21 %. */
export const taxRateSchema = z.int().min(0).max(10_000);

/**
 * An organization's orgId is its own id: it is the organization the row belongs to for scope
 * and sync. Its place in the hierarchy is parentId. An organization created before
 * BUILT_IN_ROLES_CUTOFF (see createdAt) has no built-in roles until they are installed.
 */
export const organizationSchema = z.object({
  ...entityBaseShape,
  name: trimmedText('Organization names').min(1, 'Enter the organization name.').max(200),
  kind: orgKindSchema,
  parentId: uuidSchema.nullable(),
  accountEmail: emailSchema,
  billingEmail: emailSchema.nullable(),
  vatNumber: vatNumberSchema.nullable(),
  billingAddress: storedAddressSchema.nullable(),
  shippingAddress: storedAddressSchema.nullable(),
  primaryContactUserId: uuidSchema.nullable(),
  taxRate: taxRateSchema,
});
export type Organization = z.infer<typeof organizationSchema>;

/** Which kinds of organization may sit directly below each kind. */
export const CHILD_ORG_KINDS: Readonly<Record<OrgKind, readonly OrgKind[]>> = {
  provider: ['reseller', 'customer'],
  reseller: ['customer'],
  customer: [],
};

export function canHaveChild(parentKind: OrgKind, childKind: OrgKind): boolean {
  return CHILD_ORG_KINDS[parentKind].includes(childKind);
}

/** A new organization's kind must be allowed below its parent's. */
export function childOrgRefusal(parent: Pick<Organization, 'name' | 'kind'>, childKind: OrgKind): Refusal<'VALIDATION'> | null {
  if (canHaveChild(parent.kind, childKind)) return null;
  const message =
    parent.kind === 'customer'
      ? `${parent.name} is a customer organization: it cannot have organizations below it.`
      : `A ${parent.kind} organization can only have ${parent.kind === 'provider' ? 'resellers and customers' : 'customers'} below it.`;
  return refusal('VALIDATION', message, [{ path: 'kind', message: `Not allowed below a ${parent.kind}` }]);
}

/** The primary contact is one of the organization's own users. */
export function primaryContactRefusal(isUserOfOrg: boolean): Refusal<'VALIDATION'> | null {
  return isUserOfOrg
    ? null
    : refusal('VALIDATION', 'The primary contact must be a user of this organization.', [{ path: 'primaryContactUserId', message: 'Not a user of this organization' }]);
}
