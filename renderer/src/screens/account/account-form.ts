import type { Address } from '@shared/domain/organization';
import type { AccountDetails } from '@shared/ipc/models';

/** The account form's text fields and how they become updateOrg args (pure, tested). */

export interface AddressForm {
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  region: string;
  country: string;
}

export interface AccountForm {
  name: string;
  accountEmail: string;
  billingEmail: string;
  vatNumber: string;
  billingAddress: AddressForm | null;
  shippingAddress: AddressForm | null;
}

export const EMPTY_ADDRESS: AddressForm = { line1: '', line2: '', city: '', postalCode: '', region: '', country: '' };

function addressForm(address: Address | null): AddressForm | null {
  if (address === null) return null;
  return {
    line1: address.line1,
    line2: address.line2 ?? '',
    city: address.city,
    postalCode: address.postalCode,
    region: address.region ?? '',
    country: address.country,
  };
}

export function formFromAccount(account: Pick<AccountDetails, 'name' | 'accountEmail' | 'billingEmail' | 'vatNumber' | 'billingAddress' | 'shippingAddress'>): AccountForm {
  return {
    name: account.name,
    accountEmail: account.accountEmail,
    billingEmail: account.billingEmail ?? '',
    vatNumber: account.vatNumber ?? '',
    billingAddress: addressForm(account.billingAddress),
    shippingAddress: addressForm(account.shippingAddress),
  };
}

/** Optional text: an empty field means "none" (null), not an empty string. */
const orNull = (text: string): string | null => (text.trim() === '' ? null : text);

function addressArgs(form: AddressForm | null): Record<string, unknown> | null {
  if (form === null) return null;
  return {
    line1: form.line1,
    line2: orNull(form.line2),
    city: form.city,
    postalCode: form.postalCode,
    region: orNull(form.region),
    country: form.country,
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * updateOrg args for what changed (with the version it was based on), or null when nothing did.
 * The args are unchecked: the caller runs them through the catalogue's schema.
 */
export function updateOrgArgs(account: AccountDetails, form: AccountForm): Record<string, unknown> | null {
  const before = formFromAccount(account);
  const changes: Record<string, unknown> = {};
  if (form.name !== before.name) changes['name'] = form.name;
  if (form.accountEmail !== before.accountEmail) changes['accountEmail'] = form.accountEmail;
  if (form.billingEmail !== before.billingEmail) changes['billingEmail'] = orNull(form.billingEmail);
  if (form.vatNumber !== before.vatNumber) changes['vatNumber'] = orNull(form.vatNumber);
  if (!same(form.billingAddress, before.billingAddress)) changes['billingAddress'] = addressArgs(form.billingAddress);
  if (!same(form.shippingAddress, before.shippingAddress)) changes['shippingAddress'] = addressArgs(form.shippingAddress);
  if (Object.keys(changes).length === 0) return null;
  return { orgId: account.id, version: account.version, ...changes };
}
