import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '@shared/domain/permissions';
import { openCacheDatabase, type CacheDatabase } from '../db/open';
import { ensureSyncState, readSyncState } from '../sync/state';
import { carryScopeForward, scopeDigest, type ScopeOrg } from './scope-digest';

// What /v1/me answers for an owner of a provider: the provider, a reseller and two customers,
// the owner's permissions in each (they apply in the user's organization and every one below it).
const ALL = [...PERMISSIONS];
const provider = '00000000-0000-4000-8000-000000000001';
const reseller = '00000000-0000-4000-8000-000000000002';
const customerA = '00000000-0000-4000-8000-000000000003';
const customerB = '00000000-0000-4000-8000-000000000004';
const created = '00000000-0000-4000-8000-000000000005';

function me(permissions: readonly string[] = ALL, extra: readonly ScopeOrg[] = []): { orgs: ScopeOrg[] } {
  return {
    orgs: [
      { id: provider, parentId: null, permissions },
      { id: reseller, parentId: provider, permissions },
      { id: customerA, parentId: reseller, permissions },
      { id: customerB, parentId: provider, permissions },
      ...extra,
    ],
  };
}

describe('scopeDigest', () => {
  it('stays the same when an organization is created below the root (pulls deliver it), wherever in the tree', () => {
    const before = scopeDigest(me());
    expect(scopeDigest(me(ALL, [{ id: created, parentId: reseller, permissions: ALL }]))).toBe(before);
    expect(scopeDigest(me(ALL, [{ id: created, parentId: provider, permissions: ALL }]))).toBe(before);
  });

  it('does not depend on the order of the organizations or of the permissions', () => {
    const shuffled = me([...ALL].reverse());
    shuffled.orgs.reverse();
    expect(scopeDigest(shuffled)).toBe(scopeDigest(me()));
  });

  it('changes when a permission is gained or lost', () => {
    const readOnly = PERMISSIONS.filter((permission) => permission.endsWith('.view'));
    const withoutBilling = readOnly.filter((permission) => permission !== 'billing.view');
    expect(scopeDigest(me(withoutBilling))).not.toBe(scopeDigest(me(readOnly)));
    expect(scopeDigest(me(readOnly))).not.toBe(scopeDigest(me(ALL)));
  });

  it('changes when a new organization comes with permissions the scope did not have (a different set in it)', () => {
    const before = scopeDigest(me());
    expect(scopeDigest(me(ALL, [{ id: created, parentId: reseller, permissions: ['users.view'] }]))).not.toBe(before);
  });

  it('changes with a different root: another organization, or the user moved to a customer below', () => {
    const before = scopeDigest(me());
    const other = { orgs: me().orgs.map((org) => (org.id === provider ? { ...org, id: '00000000-0000-4000-8000-0000000000ff' } : org)) };
    other.orgs = other.orgs.map((org) => (org.parentId === provider ? { ...org, parentId: '00000000-0000-4000-8000-0000000000ff' } : org));
    expect(scopeDigest(other)).not.toBe(before);
    // Only a customer's subtree (the user's organization is now that customer): a smaller scope.
    expect(scopeDigest({ orgs: [{ id: customerA, parentId: reseller, permissions: ALL }] })).not.toBe(before);
    // Losing the access to every organization.
    expect(scopeDigest({ orgs: [] })).not.toBe(before);
  });
});

describe('carryScopeForward', () => {
  let dir: string;
  let db: CacheDatabase;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'seatdesk-scope-'));
    db = openCacheDatabase(join(dir, 'cache.sqlite'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What the older digest made of an answer: every organization id with its permissions. */
  const idsDigest = (answer: { orgs: ScopeOrg[] }) =>
    createHash('sha256')
      .update(answer.orgs.map((org) => `${org.id}:${[...org.permissions].sort().join(',')}`).sort().join('\n'))
      .digest('hex');
  const fill = (scope: string, answer: unknown) => {
    ensureSyncState(db);
    db.prepare('UPDATE sync_state SET scope = ?, cursor = 42, bootstrap_complete = 1 WHERE id = 1').run(scope);
    db.prepare("INSERT INTO kv (key, value) VALUES ('me', ?)").run(JSON.stringify(answer));
  };

  it('relabels a copy filled under the older digest of the stored /v1/me answer, so the upgrade downloads nothing again', () => {
    const answer = { user: { id: 'u' }, schemaVersion: 3, orgs: me().orgs.map((org) => ({ ...org, name: org.id, kind: 'customer' })) };
    fill(idsDigest(me()), answer);
    carryScopeForward(db);
    expect(readSyncState(db)).toMatchObject({ scope: scopeDigest(me()), cursor: 42, bootstrapComplete: true });
  });

  it('leaves a digest that is not of the stored answer (what the user may see changed since), a newer digest, or no answer', () => {
    fill(idsDigest(me(['users.view'])), me());
    carryScopeForward(db);
    expect(readSyncState(db).scope).toBe(idsDigest(me(['users.view'])));

    db.prepare('UPDATE sync_state SET scope = ? WHERE id = 1').run(scopeDigest(me()));
    carryScopeForward(db);
    expect(readSyncState(db).scope).toBe(scopeDigest(me()));

    db.prepare("UPDATE kv SET value = json('{\"orgs\": \"unreadable\"}') WHERE key = 'me'").run();
    db.prepare('UPDATE sync_state SET scope = ? WHERE id = 1').run(idsDigest(me()));
    carryScopeForward(db);
    expect(readSyncState(db).scope).toBe(idsDigest(me()));
  });
});
