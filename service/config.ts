import { parseArgs } from 'node:util';
import { z } from 'zod';

const argsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  data: z.string().min(1).default('memory'),
  seed: z.enum(['demo', 'scale']).optional(),
  customers: z.coerce.number().int().min(1).max(100_000).default(2000),
  usersPerCustomer: z.coerce.number().int().min(1).max(1000).default(50),
});

const envSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  SEATDESK_OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SEATDESK_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// URL').optional(),
});

export type ServiceConfig = z.infer<typeof argsSchema> & { env: z.infer<typeof envSchema> };

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
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const args = argsSchema.safeParse({ ...values, usersPerCustomer: values['users-per-customer'] });
  if (!args.success) throw new ConfigError(args.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '));
  const parsedEnv = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsedEnv.success) throw new ConfigError(parsedEnv.error.issues.map((i) => `${String(i.path[0])} ${i.message}`).join('; '));
  return { ...args.data, env: parsedEnv.data };
}
