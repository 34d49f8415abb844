import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { clockModeSchema, clockStartSchema, type ClockSetting } from './lifecycle/clock';

const argsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  data: z.string().min(1).default('memory'),
  seed: z.enum(['demo', 'scale']).optional(),
  customers: z.coerce.number().int().min(1).max(100_000).default(2000),
  usersPerCustomer: z.coerce.number().int().min(1).max(1000).default(50),
  /** The service clock's start (SEATDESK_NOW), for demos and tests: lifecycle/clock.ts. */
  now: clockStartSchema.optional(),
  clock: clockModeSchema.optional(),
});

export const TOKEN_SECRET_MIN_LENGTH = 32;
const MAKE_A_SECRET = 'make one with `openssl rand -base64 48` and give every instance the same value';

const envSchema = z
  .object({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
    /** Connections each instance's pool may hold (default 10); the LISTEN connection is one more. */
    DATABASE_POOL_SIZE: z.coerce.number('must be a number').int('must be a whole number').min(2, 'must be at least 2').max(500, 'must be at most 500').optional(),
    SEATDESK_OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    SEATDESK_TOKEN_SECRET: z.string().min(TOKEN_SECRET_MIN_LENGTH, `must be at least ${TOKEN_SECRET_MIN_LENGTH} characters`).optional(),
    SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL').optional(),
    /** The From of every mail the worker sends. */
    SEATDESK_MAIL_FROM: z.string().trim().min(3, 'must be an address such as "Seatdesk <billing@example.com>"').max(254).optional(),
    /** How long SIGTERM waits for requests in flight before cutting them (default 25 s). */
    SEATDESK_DRAIN_TIMEOUT_MS: z.coerce.number('must be a number of milliseconds').int('must be a whole number of milliseconds').min(0).max(600_000, 'must be at most 600000 (10 minutes)').optional(),
    /** The service clock: its start, and whether it runs on from there (default) or stands still (lifecycle/clock.ts). */
    SEATDESK_NOW: clockStartSchema.optional(),
    SEATDESK_CLOCK: clockModeSchema.optional(),
    /** How often each instance runs the billing lifecycle (default 5 minutes); 0 runs it only when an operator asks. */
    SEATDESK_LIFECYCLE_INTERVAL_MS: z.coerce
      .number('must be a number of milliseconds')
      .int('must be a whole number of milliseconds')
      .refine((ms) => ms === 0 || (ms >= 1000 && ms <= 86_400_000), 'must be 0 (off) or from 1000 to 86400000 (a day)')
      .optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be one of fatal, error, warn, info, debug, trace, silent').optional(),
  })
  .superRefine((env, ctx) => {
    // Every instance on one database must sign and check access tokens with the same key: a
    // random key per process made a token from instance A a 401 on instance B.
    if (env.DATABASE_URL !== undefined && env.SEATDESK_TOKEN_SECRET === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SEATDESK_TOKEN_SECRET'],
        message: `is required when DATABASE_URL is set (every instance must sign access tokens with the same secret of at least ${TOKEN_SECRET_MIN_LENGTH} characters): ${MAKE_A_SECRET}`,
      });
    }
  });

export type ServiceEnv = z.infer<typeof envSchema>;
export type ServiceConfig = z.infer<typeof argsSchema> & { env: ServiceEnv };

export class ConfigError extends Error {}

/** Command line and environment, validated; a bad value is one clear sentence. */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv): ServiceConfig {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        seed: { type: 'string' },
        customers: { type: 'string' },
        'users-per-customer': { type: 'string' },
        now: { type: 'string' },
        clock: { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const args = argsSchema.safeParse({ ...values, usersPerCustomer: values['users-per-customer'] });
  if (!args.success) throw new ConfigError(args.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '));
  const names = new Set(Object.keys(envSchema.shape));
  const parsedEnv = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([name, v]) => names.has(name) && v !== '')));
  if (!parsedEnv.success) throw new ConfigError(parsedEnv.error.issues.map((i) => `${String(i.path[0])} ${i.message}`).join('; '));
  return { ...args.data, env: parsedEnv.data };
}

/**
 * The service clock's setting: `--now` / `--clock` win over SEATDESK_NOW / SEATDESK_CLOCK. A fixed
 * clock without a start stands at the moment the service started; null is the machine's clock.
 */
export function clockSettingOf(config: ServiceConfig, startedAt: Date = new Date()): ClockSetting | null {
  const start = config.now ?? config.env.SEATDESK_NOW;
  const mode = config.clock ?? config.env.SEATDESK_CLOCK ?? 'running';
  if (start === undefined && mode === 'running') return null;
  return { start: start ?? startedAt, mode };
}

/** In a PGlite data folder: the generated token secret, so access tokens survive a restart. */
export const TOKEN_SECRET_FILE = 'seatdesk-token-secret';

export interface TokenSecret {
  /** undefined: the token service makes a random one (in-memory PGlite: nothing outlives the process). */
  secret: Buffer | undefined;
  source: 'environment' | 'data folder' | 'generated';
}

/**
 * Where access tokens get their signing key: SEATDESK_TOKEN_SECRET; else, for PGlite with a
 * data folder, a secret generated once and kept there (0600, the owner's only); else a random
 * one per process. readConfig already refused PostgreSQL without the variable.
 */
export async function resolveTokenSecret(config: ServiceConfig): Promise<TokenSecret> {
  if (config.env.SEATDESK_TOKEN_SECRET !== undefined) return { secret: Buffer.from(config.env.SEATDESK_TOKEN_SECRET), source: 'environment' };
  if (config.env.DATABASE_URL !== undefined || config.data === 'memory') return { secret: undefined, source: 'generated' };
  const file = join(config.data, TOKEN_SECRET_FILE);
  let text: string | null = null;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === null) {
    await mkdir(config.data, { recursive: true, mode: 0o700 });
    text = `${randomBytes(48).toString('base64url')}\n`;
    // Written whole under another name and renamed: a crash never leaves half a secret.
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, text, { mode: 0o600, flag: 'wx' });
    await rename(partial, file);
  } else if (((await stat(file)).mode & 0o077) !== 0) {
    await chmod(file, 0o600);
  }
  const secret = text.trim();
  if (secret.length < TOKEN_SECRET_MIN_LENGTH) {
    throw new ConfigError(
      `The token secret file ${file} is damaged (shorter than ${TOKEN_SECRET_MIN_LENGTH} characters). Delete it to make a new one (everyone signs in again), or set SEATDESK_TOKEN_SECRET.`,
    );
  }
  return { secret: Buffer.from(secret), source: 'data folder' };
}

/**
 * The line printed before the listening line: what this instance runs on and where its mail
 * goes, so an operator sees at a glance that mail without SMTP_URL is only queued.
 */
export function startupSummary(config: ServiceConfig, tokenSecret: TokenSecret): string {
  const database =
    config.env.DATABASE_URL !== undefined
      ? 'PostgreSQL (pokes cross instances over LISTEN/NOTIFY)'
      : config.data === 'memory'
        ? 'PGlite in memory (nothing is kept)'
        : `PGlite in ${config.data}`;
  const tokens = { environment: 'SEATDESK_TOKEN_SECRET', 'data folder': 'a key kept in the data folder', generated: 'a key made for this run only' }[tokenSecret.source];
  const mail =
    config.env.SMTP_URL === undefined
      ? 'mail stays queued, not sent: SMTP_URL is not set (operators list it at GET /v1/operator/mail)'
      : `mail is delivered over SMTP to ${smtpHost(config.env.SMTP_URL)}`;
  const clock = clockSettingOf(config);
  // Only when set: a demo's clock elsewhere in time should be plain to whoever reads the log.
  const time =
    clock === null ? '' : clock.mode === 'fixed' ? `; the clock stands at ${clock.start.toISOString()}` : `; the clock started at ${clock.start.toISOString()} and runs on`;
  return `Seatdesk billing service: ${database}; access tokens signed with ${tokens}; ${mail}${time}`;
}

/** The SMTP URL without credentials, path or query. */
function smtpHost(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    return `${url.protocol}//${url.hostname}${url.port === '' ? '' : `:${url.port}`}`;
  } catch {
    return 'the SMTP_URL server';
  }
}
