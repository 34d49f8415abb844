import { describe, expect, it } from 'vitest';
import { COMMANDS } from '@shared/commands/catalogue';
import type { AccountDetails } from '@shared/ipc/models';
import { EMPTY_ADDRESS, formFromAccount, updateOrgArgs } from './account-form';

const account: AccountDetails = {
  id: '0b1c7c1e-5c77-4d4a-9a55-0c1b6b7a1a11',
  orgId: '0b1c7c1e-5c77-4d4a-9a55-0c1b6b7a1a11',
  version: 7,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  name: 'Northwind IT',
  kind: 'provider',
  parentId: null,
  accountEmail: 'admin@northwind.example',
  billingEmail: null,
  vatNumber: 'NL123456789B01',
  billingAddress: { line1: 'Main 1', line2: null, city: 'Utrecht', postalCode: '3511 AB', region: null, country: 'NL' },
  shippingAddress: null,
  primaryContactUserId: null,
  taxRate: 2100,
  pending: false,
  primaryContactEmail: null,
};

describe('account form', () => {
  it('sends nothing when nothing changed', () => {
    expect(updateOrgArgs(account, formFromAccount(account))).toBeNull();
  });

  it('sends only what changed, with the version it was based on, empty meaning none', () => {
    const form = { ...formFromAccount(account), billingEmail: 'billing@northwind.example', vatNumber: '' };
    expect(updateOrgArgs(account, form)).toEqual({ orgId: account.id, version: 7, billingEmail: 'billing@northwind.example', vatNumber: null });
  });

  it('sends a whole address, with blank optional lines as null, or null to remove it', () => {
    const added = { ...formFromAccount(account), shippingAddress: { ...EMPTY_ADDRESS, line1: 'Dock 4', city: 'Rotterdam', postalCode: '3011 AA', country: 'nl' } };
    const args = updateOrgArgs(account, added);
    expect(args).toEqual({
      orgId: account.id,
      version: 7,
      shippingAddress: { line1: 'Dock 4', line2: null, city: 'Rotterdam', postalCode: '3011 AA', region: null, country: 'nl' },
    });
    // The catalogue's schema accepts it (and upper-cases the country).
    const parsed = COMMANDS.updateOrg.args.safeParse(args);
    expect(parsed.success && parsed.data.shippingAddress?.country).toBe('NL');
    expect(updateOrgArgs(account, { ...formFromAccount(account), billingAddress: null })).toEqual({ orgId: account.id, version: 7, billingAddress: null });
  });

  it('sends a country that was typed but not picked as it is, so the shared schema refuses it in words', () => {
    const typed = (country: string) =>
      COMMANDS.updateOrg.args.safeParse(updateOrgArgs(account, { ...formFromAccount(account), billingAddress: { ...formFromAccount(account).billingAddress!, country } }));
    expect(typed('Nether').error?.issues).toEqual([
      expect.objectContaining({ path: ['billingAddress', 'country'], message: expect.stringMatching(/^Pick the country from the list/) }),
    ]);
    expect(typed('ZZ').error?.issues[0]?.message).toBe('“ZZ” is not a country code. Pick the country from the list.');
    expect(typed('BE').success).toBe(true);
  });
});
