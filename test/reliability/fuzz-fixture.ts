import type { Store } from '../../service/db/store';
import type { Service } from '../../service/app';

/** Which table holds the rows a field or parameter of this name refers to (userId, roleIds, parentId, ...). */
export function tableForKey(key: string): string | null {
  const stem = key.toLowerCase().replace(/ids?$/, '').replace(/s$/, '');
  if (stem === '' || stem === 'client' || stem === 'batch' || stem === 'preview') return null;
  if (stem.includes('paymentmethod')) return 'payment_methods';
  if (stem.includes('contact') && !stem.includes('user')) return 'billing_contacts';
  if (stem.includes('user')) return 'users';
  if (stem.includes('role')) return 'roles';
  if (stem.includes('subscription')) return 'subscriptions';
  if (stem.includes('invoice')) return 'invoices';
  if (stem.includes('org') || stem.includes('parent')) return 'orgs';
  return null;
}

const TABLES = ['orgs', 'users', 'roles', 'billing_contacts', 'subscriptions', 'invoices', 'payment_methods'] as const;

/**
 * Real ids of one organization's rows by table, so that valid-shaped requests reach past "not
 * found" into the handlers; read once, so rows the fuzzing removes later still count as tried.
 */
export async function idsOfOrg(store: Store, orgId: string): Promise<(key: string) => readonly string[]> {
  const byTable = new Map<string, string[]>();
  for (const table of TABLES) {
    const rows = await store.query<{ id: string }>(`SELECT id FROM ${table} WHERE org_id = $1 ORDER BY id LIMIT 20`, [orgId]);
    byTable.set(table, rows.map((row) => row.id));
  }
  return (key) => {
    const table = tableForKey(key);
    return table === null ? [] : (byTable.get(table) ?? []);
  };
}

/** A new session for a user, issued the way login issues one but without a password (or its rate limit). */
export async function mintAccessToken(service: Service, userId: string, now: Date): Promise<string> {
  const tokens = await service.deps.store.write((tx) => service.deps.tokens.issue(tx, userId, now));
  return tokens.accessToken;
}

export async function orgIdByName(store: Store, name: string): Promise<string> {
  const [row] = await store.query<{ id: string }>('SELECT id FROM orgs WHERE name = $1', [name]);
  if (row === undefined) throw new Error(`The demo data has no organization named ${name}.`);
  return row.id;
}

export async function userIdByEmail(store: Store, email: string): Promise<string> {
  const [row] = await store.query<{ id: string }>('SELECT id FROM users WHERE email_key = lower($1)', [email]);
  if (row === undefined) throw new Error(`The demo data has no user ${email}.`);
  return row.id;
}
