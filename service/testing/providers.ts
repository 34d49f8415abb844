import { randomUUID } from 'node:crypto';
import { emailKey } from '@shared/email';
import { hashPassword } from '../auth/passwords';
import { insertBuiltInRoles } from '../commands/roles';
import type { Store } from '../db/store';
import { DEMO_PASSWORD } from '../seed/load';

/**
 * A second provider tree beside the seeded one (the seeds hold one provider, and no command
 * creates a provider): the organization, its built-in roles and an active Owner who signs in
 * with the demo password. For tests and benchmarks of tenants in different trees.
 */
export async function addProvider(store: Store, options: { name: string; slug: string; now?: Date }): Promise<{ orgId: string; ownerEmail: string }> {
  const now = options.now ?? new Date();
  const orgId = randomUUID();
  const ownerEmail = `owner@${options.slug}.example`;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await store.write(async (tx) => {
    await tx.query(
      `INSERT INTO orgs (id, org_id, parent_id, kind, name, account_email, tax_rate, created_at, updated_at)
       VALUES ($1, $1, NULL, 'provider', $2, $3, 2100, $4, $4)`,
      [orgId, options.name, `accounts@${options.slug}.example`, now],
    );
    const roles = await insertBuiltInRoles(tx, orgId, now);
    const owner = roles.find((role) => role.builtInKey === 'owner')!;
    await tx.query(
      `INSERT INTO users (id, org_id, first_name, last_name, email, email_key, status, role_ids, permissions, password_hash, created_at, updated_at)
       VALUES ($1, $2, 'Olive', 'Owner', $3, $4, 'active', $5, '{}', $6, $7, $7)`,
      [randomUUID(), orgId, ownerEmail, emailKey(ownerEmail), [owner.id], passwordHash, now],
    );
  });
  return { orgId, ownerEmail };
}
