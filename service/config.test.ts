import { mkdtemp, readFile, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, readConfig, resolveTokenSecret, startupSummary, TOKEN_SECRET_FILE } from './config';
import { killAll, spawnService, startService, type ChildService } from './testing/child-service';

const PG = 'postgres://seatdesk@db.internal:5432/seatdesk';
const SECRET = 'a-token-secret-of-at-least-32-characters!';

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readConfig', () => {
  it('refuses a PostgreSQL-backed instance without SEATDESK_TOKEN_SECRET, naming the variable and how to make one', () => {
    const message = configError(() => readConfig([], { DATABASE_URL: PG }));
    expect(message).toMatch(/^SEATDESK_TOKEN_SECRET /);
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('openssl rand -base64 48');
    expect(readConfig([], { DATABASE_URL: PG, SEATDESK_TOKEN_SECRET: SECRET }).env.SEATDESK_TOKEN_SECRET).toBe(SECRET);
  });

  it('parses the environment with its schema: bad values are one clear sentence each', () => {
    expect(configError(() => readConfig([], { SEATDESK_TOKEN_SECRET: 'short' }))).toBe('SEATDESK_TOKEN_SECRET must be at least 32 characters');
    expect(configError(() => readConfig([], { SMTP_URL: 'mail.example:25' }))).toBe('SMTP_URL must be an smtp:// or smtps:// URL');
    expect(configError(() => readConfig([], { LOG_LEVEL: 'loud' }))).toMatch(/^LOG_LEVEL /);
    expect(readConfig([], { SMTP_URL: 'smtp://127.0.0.1:2525', SEATDESK_MAIL_FROM: 'Billing <billing@msp.example>' }).env).toMatchObject({
      SMTP_URL: 'smtp://127.0.0.1:2525',
      SEATDESK_MAIL_FROM: 'Billing <billing@msp.example>',
    });
    expect(configError(() => readConfig([], { DATABASE_POOL_SIZE: 'lots' }))).toBe('DATABASE_POOL_SIZE must be a number');
    expect(configError(() => readConfig([], { DATABASE_POOL_SIZE: '1' }))).toBe('DATABASE_POOL_SIZE must be at least 2');
    expect(readConfig([], { DATABASE_POOL_SIZE: '25', SEATDESK_DRAIN_TIMEOUT_MS: '5000' }).env).toMatchObject({ DATABASE_POOL_SIZE: 25, SEATDESK_DRAIN_TIMEOUT_MS: 5000 });
    // An empty variable counts as unset.
    expect(readConfig([], { SMTP_URL: '' }).env.SMTP_URL).toBeUndefined();
  });
});

describe('resolveTokenSecret', () => {
  it('uses SEATDESK_TOKEN_SECRET when set, and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-secret-'));
    const resolved = await resolveTokenSecret(readConfig(['--data', dir], { SEATDESK_TOKEN_SECRET: SECRET }));
    expect(resolved).toEqual({ secret: Buffer.from(SECRET), source: 'environment' });
    await expect(stat(join(dir, TOKEN_SECRET_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps a generated secret in a PGlite data folder, readable by the owner only, and reads the same one back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-secret-'));
    const first = await resolveTokenSecret(readConfig(['--data', dir], {}));
    expect(first.source).toBe('data folder');
    const file = join(dir, TOKEN_SECRET_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first.secret?.length).toBeGreaterThanOrEqual(32);
    expect((await resolveTokenSecret(readConfig(['--data', dir], {}))).secret).toEqual(first.secret);
    // A file left readable by others is tightened.
    await chmod(file, 0o644);
    await resolveTokenSecret(readConfig(['--data', dir], {}));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a damaged secret file with a sentence that says what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-secret-'));
    await writeFile(join(dir, TOKEN_SECRET_FILE), 'short\n', { mode: 0o600 });
    await expect(resolveTokenSecret(readConfig(['--data', dir], {}))).rejects.toThrow(/is damaged.*Delete it/);
    expect(await readFile(join(dir, TOKEN_SECRET_FILE), 'utf8')).toBe('short\n');
  });

  it('generates one for in-memory PGlite (nothing to keep it in)', async () => {
    expect(await resolveTokenSecret(readConfig(['--data', 'memory'], {}))).toEqual({ secret: undefined, source: 'generated' });
  });
});

describe('the service process', () => {
  const running: ChildService[] = [];
  afterEach(async () => {
    killAll(running);
    await Promise.all(running.splice(0).map((service) => service.exited));
  });

  it('exits 2 with the refusal when DATABASE_URL is set and SEATDESK_TOKEN_SECRET is not', async () => {
    const child = spawnService(['--port', '0'], { DATABASE_URL: PG, SEATDESK_TOKEN_SECRET: undefined });
    expect(await child.exited).toBe(2);
    expect(child.stderr()).toMatch(/^Seatdesk billing service: SEATDESK_TOKEN_SECRET is required when DATABASE_URL is set/);
  });

  it('with a PGlite data folder, an access token stays valid across a restart', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-service-'));
    const env = { SEATDESK_TOKEN_SECRET: undefined, DATABASE_URL: undefined, SMTP_URL: undefined };
    const first = await startService(['--data', dir, '--seed', 'demo'], env);
    running.push(first);
    const login = await fetch(`${first.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@northwind.example', password: 'seatdesk-demo' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    expect(await first.stop()).toBe(0);

    const second = await startService(['--data', dir], env);
    running.push(second);
    expect(second.stdout[0]).toBe(
      `Seatdesk billing service: PGlite in ${dir}; access tokens signed with a key kept in the data folder; mail stays queued, not sent: SMTP_URL is not set (operators list it at GET /v1/operator/mail)`,
    );
    const me = await fetch(`${second.url}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    expect((await stat(join(dir, TOKEN_SECRET_FILE))).mode & 0o777).toBe(0o600);
    expect(await second.stop()).toBe(0);
  });
});

describe('startupSummary', () => {
  it('says mail stays queued without SMTP_URL, and where it goes with one (never the credentials)', () => {
    const generated = { secret: undefined, source: 'generated' } as const;
    expect(startupSummary(readConfig([], {}), generated)).toBe(
      'Seatdesk billing service: PGlite in memory (nothing is kept); access tokens signed with a key made for this run only; ' +
        'mail stays queued, not sent: SMTP_URL is not set (operators list it at GET /v1/operator/mail)',
    );
    const env = { DATABASE_URL: PG, SEATDESK_TOKEN_SECRET: SECRET, SMTP_URL: 'smtp://mailer:s3cret@smtp.msp.example:587' };
    const line = startupSummary(readConfig([], env), { secret: Buffer.from(SECRET), source: 'environment' });
    expect(line).toBe(
      'Seatdesk billing service: PostgreSQL (pokes cross instances over LISTEN/NOTIFY); access tokens signed with SEATDESK_TOKEN_SECRET; mail is delivered over SMTP to smtp://smtp.msp.example:587',
    );
  });
});
