import { randomUUID } from 'node:crypto';
import { keytarSecretStore } from '../../electron/core/secrets/secret-store';

/** A keychain that answers nothing in this time is as good as none (a locked keyring waiting on a prompt no one sees). */
const PROBE_TIMEOUT_MS = 15_000;

/** Whether this run is CI, where every test must run: .ci/run sets CI=true, as CI services do. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['CI']?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** Why the keychain cannot be used here, or null when a secret can be written, read back and deleted. */
export async function keychainUnusable(): Promise<string | null> {
  const store = keytarSecretStore(`Seatdesk-test-probe-${randomUUID()}`);
  const account = 'probe';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the keychain did not answer within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      (async () => {
        await store.set(account, 'probe');
        const read = await store.get(account);
        await store.delete(account);
        return read === 'probe' ? null : 'a secret written to the keychain did not read back';
      })(),
      timeout,
    ]);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For a test file that needs the real keychain (on Linux the Secret Service over a D-Bus session):
 * true when it works. When it does not, CI fails the file with the reason, since a skipped test
 * there would pass unseen; a developer's run prints the reason and skips (`describe.skipIf`).
 * Call it once at the top of the file: `const hasKeychain = await keychainForTests('...')`.
 */
export async function keychainForTests(what: string): Promise<boolean> {
  const reason = await keychainUnusable();
  if (reason === null) return true;
  const message = `${what} need a usable keychain and this machine has none: ${reason}. (.ci/run runs the tests under dbus-run-session with an unlocked gnome-keyring.)`;
  if (isCi()) throw new Error(`${message} CI must run every test, so this fails instead of skipping.`);
  console.warn(`Skipping: ${message}`);
  return false;
}
