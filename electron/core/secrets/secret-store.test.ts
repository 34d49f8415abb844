import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keychainForTests } from '../../../test/support/keychain-available';
import { keytarSecretStore, sessionAccount } from './secret-store';

// The real Secret Service needs a D-Bus session with an unlocked keyring (.ci/run provides one).
const hasSecretService = await keychainForTests('The keytar SecretStore tests');

describe.skipIf(!hasSecretService)('the keytar SecretStore (real Secret Service)', () => {
  const store = keytarSecretStore(`Seatdesk-test-${randomUUID()}`);

  it('stores, reads, replaces and deletes a secret', async () => {
    const account = sessionAccount('http://127.0.0.1:4000/v1', randomUUID());
    expect(await store.get(account)).toBeNull();
    await store.set(account, 'refresh-1');
    expect(await store.get(account)).toBe('refresh-1');
    await store.set(account, 'refresh-2');
    expect(await store.get(account)).toBe('refresh-2');
    expect(await store.delete(account)).toBe(true);
    expect(await store.get(account)).toBeNull();
    expect(await store.delete(account)).toBe(false);
  });

  it('keeps accounts apart by service URL and user', async () => {
    const user = randomUUID();
    const a = sessionAccount('https://billing.example.com', user);
    const b = sessionAccount('http://127.0.0.1:4000', user);
    await store.set(a, 'for-a');
    await store.set(b, 'for-b');
    expect(await store.get(a)).toBe('for-a');
    expect(await store.get(b)).toBe('for-b');
    await store.delete(a);
    await store.delete(b);
  });
});

describe('sessionAccount', () => {
  it('names the account by the service origin and the user id', () => {
    expect(sessionAccount('https://billing.example.com/some/path?x=1', 'u-1')).toBe('https://billing.example.com u-1');
  });
});
