import { buildService } from './app';
import { clockSettingOf, ConfigError, readConfig, resolveTokenSecret, startupSummary, type ServiceConfig } from './config';
import { openPglite, openPostgres, type Store } from './db/store';
import { seedDatabase } from './seed/load';
import { DEFAULT_DRAIN_TIMEOUT_MS } from './lifecycle';
import { serviceClock } from './lifecycle/clock';
import { DEFAULT_LIFECYCLE_INTERVAL_MS } from './lifecycle/scheduler';
import { serviceListeningLine } from '@shared/service-banner';

/** After the drain timeout: time for the mail worker's last send (SMTP timeouts) and the store to close. */
const HARD_EXIT_MARGIN_MS = 90_000;

let config: ServiceConfig;
try {
  config = readConfig(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Seatdesk billing service: ${error.message}`);
  process.exit(2);
}

const store: Store =
  config.env.DATABASE_URL !== undefined
    ? await openPostgres(config.env.DATABASE_URL, config.env.DATABASE_POOL_SIZE)
    : await openPglite(config.data === 'memory' ? undefined : config.data);

let tokenSecret;
try {
  tokenSecret = await resolveTokenSecret(config);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Seatdesk billing service: ${error.message}`);
  await store.close();
  process.exit(2);
}

const service = await buildService({
  store,
  // --now / SEATDESK_NOW: the service lives at another time (demos, tests); the machine's clock otherwise.
  now: serviceClock(clockSettingOf(config)),
  lifecycleIntervalMs: config.env.SEATDESK_LIFECYCLE_INTERVAL_MS ?? DEFAULT_LIFECYCLE_INTERVAL_MS,
  operatorToken: config.env.SEATDESK_OPERATOR_TOKEN ?? null,
  ...(config.env.DATABASE_URL === undefined ? {} : { databaseUrl: config.env.DATABASE_URL }),
  ...(tokenSecret.secret === undefined ? {} : { tokenSecret: tokenSecret.secret }),
  ...(config.env.SEATDESK_DRAIN_TIMEOUT_MS === undefined ? {} : { drainTimeoutMs: config.env.SEATDESK_DRAIN_TIMEOUT_MS }),
  ...(config.env.SMTP_URL === undefined ? {} : { mail: { smtpUrl: config.env.SMTP_URL, ...(config.env.SEATDESK_MAIL_FROM === undefined ? {} : { from: config.env.SEATDESK_MAIL_FROM }) } }),
});

if (config.seed !== undefined) {
  // Built around the service clock's today: the latest full month invoiced, trials and contracts ahead.
  const today = service.deps.now();
  const seeded = await seedDatabase(
    store,
    config.seed === 'demo' ? { kind: 'demo', now: today } : { kind: 'scale', customers: config.customers, usersPerCustomer: config.usersPerCustomer, now: today },
  );
  service.app.log.info(seeded ? `seeded ${config.seed} data` : 'database already holds data; seed skipped');
}
// After the seed: the first run finds its rows (and whatever came due while the service was down).
service.scheduler?.start();

const address = await service.app.listen({ port: config.port, host: config.host });
console.log(startupSummary(config, tokenSecret));
console.log(serviceListeningLine(address.replace('[::1]', 'localhost')));

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  service.app.log.info('draining: not ready, event streams told to reconnect elsewhere, finishing requests in flight');
  // A query that never returns would hold the pool open for ever: past the drain timeout and
  // the mail worker's longest send, give up and exit non-zero.
  setTimeout(
    () => {
      console.error('Seatdesk billing service: the drain did not finish in time; exiting without it');
      process.exit(1);
    },
    (config.env.SEATDESK_DRAIN_TIMEOUT_MS ?? DEFAULT_DRAIN_TIMEOUT_MS) + HARD_EXIT_MARGIN_MS,
  ).unref();
  // /readyz turns 503, event streams end with a retry hint, no new connections, requests in
  // flight finish (their transactions commit), the mail worker finishes its sends; then the store closes.
  await service.close();
  await store.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
// Under Electron's utilityProcess a kill on Windows skips signal handlers: the app asks first.
const parentPort = (process as NodeJS.Process & { parentPort?: { on(event: 'message', listener: (event: { data: unknown }) => void): void } }).parentPort;
parentPort?.on('message', (event) => {
  if (event.data === 'shutdown') void shutdown();
});
