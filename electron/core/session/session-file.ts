import { createHash, randomUUID } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { uuidSchema } from '@shared/domain/ids';
import { normalizeServiceUrl } from '../api/http';
import { ensurePrivateFolder } from '../db/private-files';

/**
 * dataDir/session.json: who is signed in, without any secret (the refresh token lives only in
 * the SecretStore, the access token only in memory).
 */
export const sessionFileSchema = z.strictObject({
  version: z.literal(1),
  serviceUrl: z.string().refine((url) => {
    try {
      return normalizeServiceUrl(url) === url;
    } catch {
      return false;
    }
  }, 'not a normalised service origin'),
  userId: uuidSchema,
  email: z.string().min(1).max(254),
  orgId: uuidSchema,
  /**
   * Sent with every refresh: the service gives a just-rotated token a grace window only when the
   * client that rotated it presents it again. Made at sign-in; not a secret, and never in a URL.
   * Files from before it existed get one on restore.
   */
  clientId: uuidSchema.optional(),
});
export type SessionFile = z.infer<typeof sessionFileSchema>;

export const SESSION_FILE_NAME = 'session.json';

export const sessionFilePath = (dataDir: string) => join(dataDir, SESSION_FILE_NAME);

/** The stored session, or null when there is none or it cannot be read back (a corrupt file is removed). */
export async function readSessionFile(dataDir: string): Promise<SessionFile | null> {
  const file = sessionFilePath(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = sessionFileSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  // Half-written by something other than us, or edited by hand: signed out, start clean.
  await rm(file, { force: true });
  return null;
}

/** Writes session.json atomically: a temporary file, flushed, then renamed over the old one. */
export async function writeSessionFile(dataDir: string, session: SessionFile): Promise<void> {
  const content = `${JSON.stringify(sessionFileSchema.parse(session), null, 2)}\n`;
  ensurePrivateFolder(dataDir);
  const file = sessionFilePath(dataDir);
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(dataDir);
}

export async function deleteSessionFile(dataDir: string): Promise<void> {
  await rm(sessionFilePath(dataDir), { force: true });
}

/** Makes the rename durable on POSIX; Windows cannot open a directory, and does not need to. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort: the file itself is already flushed
  }
}

/**
 * One offline cache per account (service + user): dataDir/accounts/<first 32 hex of
 * sha256(origin + ' ' + userId)>.sqlite. The folder is created (or tightened) 0700; the file is
 * left to the cache.
 * Signing out never deletes it, so the account's data and outbox wait for the next sign-in.
 */
export function accountDatabaseFile(dataDir: string, serviceUrl: string, userId: string): string {
  const origin = normalizeServiceUrl(serviceUrl);
  const name = createHash('sha256').update(`${origin} ${userId}`).digest('hex').slice(0, 32);
  const folder = join(dataDir, 'accounts');
  ensurePrivateFolder(folder);
  return join(folder, `${name}.sqlite`);
}
