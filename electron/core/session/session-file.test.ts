import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keytarSecretStore } from '../secrets/secret-store';
import { accountDatabaseFile, readSessionFile, sessionFilePath, writeSessionFile, type SessionFile } from './session-file';
import { createSessionManager } from './session-manager';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seatdesk-session-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const session: SessionFile = {
  version: 1,
  serviceUrl: 'https://billing.example.com',
  userId: randomUUID(),
  email: 'owner@northwind.example',
  orgId: randomUUID(),
};

describe('session.json', () => {
  it('is written atomically (no temporary file left), readable only by the user, and read back', async () => {
    const dir = join(dataDir(), 'not-yet-there');
    await writeSessionFile(dir, session);
    expect(readdirSync(dir)).toEqual(['session.json']);
    if (process.platform !== 'win32') expect(statSync(sessionFilePath(dir)).mode & 0o777).toBe(0o600);
    expect(await readSessionFile(dir)).toEqual(session);

    const replaced = { ...session, email: 'billing@northwind.example' };
    await writeSessionFile(dir, replaced);
    expect(readdirSync(dir)).toEqual(['session.json']);
    expect(await readSessionFile(dir)).toEqual(replaced);
  });

  it('refuses to write a service address that is not a normalised origin', async () => {
    await expect(writeSessionFile(dataDir(), { ...session, serviceUrl: 'https://billing.example.com/v1' })).rejects.toThrow();
  });

  it('reads a missing file as no session', async () => {
    expect(await readSessionFile(dataDir())).toBeNull();
  });

  it.each([
    ['truncated JSON', '{"version":1,"serviceUrl":"https://billing.exa'],
    ['another shape', JSON.stringify({ version: 2, serviceUrl: 'https://billing.example.com' })],
    ['a secret where none belongs', JSON.stringify({ ...session, refreshToken: 'x' })],
    ['binary garbage', '\u0000\u0001\u0002'],
  ])('reads a corrupt file (%s) as no session and removes it', async (_case, content) => {
    const dir = dataDir();
    writeFileSync(sessionFilePath(dir), content);
    expect(await readSessionFile(dir)).toBeNull();
    expect(existsSync(sessionFilePath(dir))).toBe(false);
  });

  it('makes restore() answer signed out, not crash', async () => {
    const dir = dataDir();
    writeFileSync(sessionFilePath(dir), '{"version":1,');
    // The corrupt file is dismissed before the keychain is asked anything.
    const manager = createSessionManager({ dataDir: dir, secretStore: keytarSecretStore(`Seatdesk-test-${randomUUID()}`), defaultServiceUrl: 'https://billing.example.com' });
    expect(await manager.restore()).toEqual({ state: 'signed-out', defaultServiceUrl: 'https://billing.example.com' });
    expect(manager.current()).toBeNull();
    await expect(manager.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('accountDatabaseFile', () => {
  it('names one cache file per service origin and user, and creates its folder', () => {
    const dir = dataDir();
    const userId = '6f1c2b1e-8f7a-4d2b-9a43-1d2f3e4a5b6c';
    const file = accountDatabaseFile(dir, 'https://billing.example.com/v1/', userId);
    expect(file).toMatch(/[/\\]accounts[/\\][0-9a-f]{32}\.sqlite$/);
    expect(statSync(join(dir, 'accounts')).isDirectory()).toBe(true);
    expect(existsSync(file)).toBe(false);

    expect(accountDatabaseFile(dir, 'https://BILLING.example.com', userId)).toBe(file);
    expect(accountDatabaseFile(dir, 'https://billing.example.com', randomUUID())).not.toBe(file);
    expect(accountDatabaseFile(dir, 'http://billing.example.com', userId)).not.toBe(file);
  });

  it('is the first 32 hex digits of sha256(origin + " " + userId)', () => {
    const dir = dataDir();
    const userId = randomUUID();
    const expected = createHash('sha256').update(`http://127.0.0.1:4000 ${userId}`).digest('hex').slice(0, 32);
    expect(accountDatabaseFile(dir, 'http://127.0.0.1:4000/', userId)).toBe(join(dir, 'accounts', `${expected}.sqlite`));
  });
});
