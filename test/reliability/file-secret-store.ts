import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { z } from 'zod';
import type { SecretStore } from '../../electron/core/secrets/secret-store';

const secretsSchema = z.record(z.string(), z.string());

/**
 * A SecretStore in one JSON file, for chaos clients on a machine without a Secret Service
 * (no D-Bus session). Each write is durable before it resolves (temporary file, fsync, rename),
 * as a keychain's is, so a SIGKILL leaves either the old secret or the new one, never half.
 */
export function fileSecretStore(file: string): SecretStore {
  const read = (): Record<string, string> => {
    try {
      return secretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  };
  const write = (secrets: Record<string, string>) => {
    const temporary = `${file}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(secrets));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  };
  return {
    get: async (account) => read()[account] ?? null,
    async set(account, secret) {
      write({ ...read(), [account]: secret });
    },
    async delete(account) {
      const secrets = read();
      if (!(account in secrets)) return false;
      delete secrets[account];
      write(secrets);
      return true;
    },
  };
}
