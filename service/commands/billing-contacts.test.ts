import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/service';
import { auditOf, startCommandKit, type CommandKit } from '../../test/support/commands';

describe.each(testDatabases())('billing contact commands (%s)', (database) => {
  let kit: CommandKit;
  let orgId: string;
  let contacts: string;
  beforeAll(async () => {
    kit = await startCommandKit(database);
    orgId = await kit.orgId('Northwind MSP');
    contacts = `/v1/orgs/${orgId}/billing-contacts`;
  });
  afterAll(async () => {
    await kit?.close();
  });

  it('finds whether an address is already a contact of an organization with one index probe, not by reading its contacts', async () => {
    // A provider that had added thousands of contacts paid for each of them on every new one
    // (migration 6). Sequential scans are off so that the plan shows what the indexes allow even
    // on the demo's few rows.
    const plan = await kit.test.store.write(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const lines = await tx.query<{ 'QUERY PLAN': string }>('EXPLAIN SELECT 1 FROM billing_contacts WHERE org_id = $1 AND lower(email) = $2', [orgId, 'finance@northwind.example']);
      return lines.map((line) => line['QUERY PLAN']).join('\n');
    }, []);
    expect(plan).toMatch(/Index Cond: \(\(org_id = .*\) AND \(lower\(email\) = /);
    expect(plan).not.toMatch(/Filter:/);
  });

  it('adds a typed address and a user who may see billing, with the kinds each receives', async () => {
    const id = randomUUID();
    const typed = await kit.call('POST', contacts, { id, email: 'Finance@Northwind.example', kinds: ['invoices', 'account_notices'] });
    expect(typed.status).toBe(201);
    expect(typed.body).toMatchObject({ id, orgId, email: 'Finance@northwind.example', userId: null, kinds: ['invoices', 'account_notices'], version: 1 });
    expect((await auditOf(kit, id))[0]).toMatchObject({ action: 'addBillingContact', entity: 'billing_contact' });

    // Read Only holds billing.view through its role.
    const readonly = await kit.userId('readonly@northwind.example');
    const picked = await kit.call('POST', contacts, { email: 'READONLY@northwind.example', userId: readonly, kinds: ['payment_reminders'] });
    expect(picked.status).toBe(201);
    expect(picked.body).toMatchObject({ userId: readonly, kinds: ['payment_reminders'] });
  });

  it('takes an address once per organization, whatever its case; another organization may have it too', async () => {
    const first = await kit.call('POST', contacts, { email: 'ap@northwind-twice.example', kinds: ['invoices'] });
    expect(first.status).toBe(201);
    const again = await kit.call('POST', contacts, { email: 'AP@Northwind-Twice.example', kinds: ['payment_reminders'] });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      error: { code: 'VALIDATION', details: [{ path: 'email', message: 'AP@northwind-twice.example is already a billing contact of this organization.' }] },
    });
    expect(await kit.rows("SELECT kinds FROM billing_contacts WHERE lower(email) = 'ap@northwind-twice.example'")).toEqual([{ kinds: ['invoices'] }]);
    const elsewhere = await kit.orgId('Contoso Dental');
    expect((await kit.call('POST', `/v1/orgs/${elsewhere}/billing-contacts`, { email: 'ap@northwind-twice.example', kinds: ['invoices'] })).status).toBe(201);
  });

  it('refuses a picked user without billing.view, from another organization, or with another address (VALIDATION)', async () => {
    const member = await kit.one(
      `SELECT u.* FROM users u JOIN roles r ON r.id = ANY (u.role_ids)
       WHERE u.org_id = $1 AND r.built_in_key = 'member' AND cardinality(u.role_ids) = 1 AND cardinality(u.permissions) = 0 LIMIT 1`,
      [orgId],
    );
    const noBilling = await kit.expectRefused(orgId, 'VALIDATION', 400, () =>
      kit.call('POST', contacts, { email: member['email'], userId: member['id'], kinds: ['invoices'] }),
    );
    expect(noBilling.error.details).toEqual([{ path: 'userId', message: expect.stringContaining('billing.view') }]);
    const outsider = await kit.userId('admin@contoso-dental.example');
    await kit.expectRefused(orgId, 'VALIDATION', 400, () => kit.call('POST', contacts, { email: 'admin@contoso-dental.example', userId: outsider, kinds: ['invoices'] }));
    const billing = await kit.userId('billing@northwind.example');
    const mismatch = await kit.expectRefused(orgId, 'VALIDATION', 400, () =>
      kit.call('POST', contacts, { email: 'someone.else@northwind.example', userId: billing, kinds: ['invoices'] }),
    );
    expect(mismatch.error.details[0].path).toBe('email');
    // An address that is already a contact: change its kinds instead.
    await kit.expectRefused(orgId, 'VALIDATION', 400, () => kit.call('POST', contacts, { email: 'IT@northwind.example', kinds: ['invoices'] }));
    await kit.expectRefused(orgId, 'VALIDATION', 400, () => kit.call('POST', contacts, { email: 'x@northwind.example', kinds: [] }));
  });

  it('updates kinds and address with the version it read; a stale version is a VERSION_CONFLICT', async () => {
    const [it_] = await kit.rows("SELECT * FROM billing_contacts WHERE org_id = $1 AND email = 'it@northwind.example'", [orgId]);
    const path = `${contacts}/${String(it_?.['id'])}`;
    const updated = await kit.call('PATCH', path, { version: 1, email: 'ops@northwind.example', kinds: ['subscription_changes'] });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ email: 'ops@northwind.example', kinds: ['subscription_changes'], version: 2 });
    await kit.expectRefused(orgId, 'VERSION_CONFLICT', 409, () => kit.call('PATCH', path, { version: 1, kinds: ['invoices'] }));
    // A contact picked from the users keeps that user's address.
    const [picked] = await kit.rows('SELECT * FROM billing_contacts WHERE org_id = $1 AND user_id IS NOT NULL ORDER BY email LIMIT 1', [orgId]);
    await kit.expectRefused(orgId, 'VALIDATION', 400, () =>
      kit.call('PATCH', `${contacts}/${String(picked?.['id'])}`, { version: picked?.['version'], email: 'private@example.com' }),
    );
  });

  it('removes a contact', async () => {
    const [contact] = await kit.rows("SELECT * FROM billing_contacts WHERE org_id = $1 AND email = 'ops@northwind.example'", [orgId]);
    const removed = await kit.call('DELETE', `${contacts}/${String(contact?.['id'])}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ id: contact?.['id'], email: 'ops@northwind.example' });
    expect(await kit.rows('SELECT * FROM billing_contacts WHERE id = $1', [contact?.['id']])).toHaveLength(0);
    expect((await auditOf(kit, String(contact?.['id']))).at(-1)).toMatchObject({ action: 'removeBillingContact', after: null });
    expect((await kit.call('DELETE', `${contacts}/${String(contact?.['id'])}`)).status).toBe(404);
  });

  it('needs billing.edit: Read Only is refused (FORBIDDEN)', async () => {
    const readonly = await kit.test.signIn('readonly@northwind.example');
    await kit.expectRefused(orgId, 'FORBIDDEN', 403, () => kit.call('POST', contacts, { email: 'nope@northwind.example', kinds: ['invoices'] }, readonly.accessToken));
  });
});
