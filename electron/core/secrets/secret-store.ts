import keytar from 'keytar';
import { explainKeychainError } from './keychain-problems';

/**
 * Where secrets live (the refresh token). Nothing else in the core knows: macOS Keychain,
 * Windows Credential Manager or the Secret Service on Linux, through keytar.
 */
export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
}

export const SECRET_SERVICE_NAME = 'Seatdesk';

/** The account name for a session: the service URL plus the user id (DESIGN.md, "Secrets"). */
export function sessionAccount(serviceUrl: string, userId: string): string {
  return `${new URL(serviceUrl).origin} ${userId}`;
}

export function keytarSecretStore(service: string = SECRET_SERVICE_NAME): SecretStore {
  const explained = (error: unknown) => Promise.reject(explainKeychainError(error));
  return {
    get: (account) => keytar.getPassword(service, account).catch(explained),
    set: (account, secret) => keytar.setPassword(service, account, secret).catch(explained),
    delete: (account) => keytar.deletePassword(service, account).catch(explained),
  };
}
