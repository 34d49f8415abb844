import { z } from 'zod';

/**
 * The shell's settings. Read from the environment (SEATDESK_*) and from `config.json` in the
 * app's data folder, which an MSP can deploy with the app; the environment wins. A bad value
 * is ignored with a problem to log, never a crash at start.
 */
export interface AppConfig {
  /** A billing service to pre-fill on the sign-in screen instead of the embedded one. */
  serviceUrl: string | null;
  /** Start the embedded demo service (PGlite in the data folder). Default: when no serviceUrl is set. */
  embeddedService: boolean;
  /** A generic electron-updater feed; null turns automatic updates off. */
  updateFeedUrl: string | null;
  /** Another data folder (the Electron smoke tests use a fresh one). Environment only. */
  userDataDir: string | null;
  problems: string[];
}

const serviceUrlSchema = z.url({ protocol: /^https?$/ });
/** Updates only over https; plain http only on loopback, for a feed served while testing a build. */
const updateFeedSchema = z.url({ protocol: /^https?$/ }).refine((url) => {
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}, 'must be an https:// URL');
const switchSchema = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((value) => ['1', 'true', 'on', 'yes'].includes(value));

const fileSchema = z.object({
  serviceUrl: z.unknown().optional(),
  embeddedService: z.unknown().optional(),
  updateFeedUrl: z.unknown().optional(),
});

export const ENV = {
  serviceUrl: 'SEATDESK_SERVICE_URL',
  embeddedService: 'SEATDESK_EMBEDDED_SERVICE',
  updateFeedUrl: 'SEATDESK_UPDATE_FEED_URL',
  userDataDir: 'SEATDESK_USER_DATA_DIR',
} as const;

export function resolveAppConfig(env: Record<string, string | undefined>, file: unknown): AppConfig {
  const problems: string[] = [];
  const fromFile = fileSchema.safeParse(file ?? {});
  if (!fromFile.success) problems.push('config.json is not a JSON object; it is ignored.');
  const saved = fromFile.success ? fromFile.data : {};

  const pick = <T>(name: string, schema: z.ZodType<T>, envValue: string | undefined, fileValue: unknown): T | null => {
    for (const [source, value] of [
      [`${name} (environment)`, envValue === '' ? undefined : envValue],
      [`${name} (config.json)`, fileValue],
    ] as const) {
      if (value === undefined) continue;
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      problems.push(`${source}: ${parsed.error.issues[0]?.message ?? 'invalid'}; ignored.`);
    }
    return null;
  };

  const serviceUrl = pick('service URL', serviceUrlSchema, env[ENV.serviceUrl], saved.serviceUrl);
  const embedded = pick(
    'embedded service switch',
    z.union([z.boolean(), switchSchema]),
    env[ENV.embeddedService]?.toLowerCase(),
    saved.embeddedService,
  );
  const updateFeedUrl = pick('update feed URL', updateFeedSchema, env[ENV.updateFeedUrl], saved.updateFeedUrl);
  const userDataDir = env[ENV.userDataDir];
  return {
    serviceUrl,
    embeddedService: embedded ?? serviceUrl === null,
    updateFeedUrl,
    userDataDir: userDataDir === undefined || userDataDir === '' ? null : userDataDir,
    problems,
  };
}

/** The URL the sign-in screen is pre-filled with: a configured service, else the embedded one. */
export function defaultServiceUrl(config: AppConfig, embeddedUrl: string | null): string | null {
  return config.serviceUrl ?? embeddedUrl;
}
