// Every zod message in the service in plain words; first, before any schema is used.
import '@shared/install-plain-messages';
import Fastify, { type FastifyInstance } from 'fastify';
import { argon2Verifier } from './auth/passwords';
import { createLoginLimiter } from './auth/rate-limit';
import { createPostgresLoginLimiter } from './auth/rate-limit-postgres';
import { createTokenService } from './auth/tokens';
import { migrate } from './db/migrate';
import type { Store } from './db/store';
import type { ServiceDeps } from './deps';
import { MAX_PARAM_LENGTH, clientErrorHandler, frameworkErrors, installErrorHandling } from './http/errors';
import { installJsonBodyParser } from './http/json-body';
import { serializeRequest } from './http/request-log';
import { registerRoutes } from './http/register';
import { openApiRoute } from './openapi/route';
import { API_ROUTES } from './routes';
import { createPostgresSyncNotifier, createSyncNotifier } from './sync/notifier';
import { createSmtpSender, DEFAULT_MAIL_FROM } from './mail/smtp';
import { createMailWorker, DEFAULT_MAIL_TUNING, type MailWorker, type MailWorkerTuning } from './mail/worker';
import { closeServer, createLifecycle, DEFAULT_DRAIN_TIMEOUT_MS } from './lifecycle';
import { createLifecycleScheduler, type LifecycleScheduler } from './lifecycle/scheduler';

export interface ServiceOptions {
  store: Store;
  operatorToken?: string | null;
  tokenSecret?: Buffer;
  now?: () => Date;
  logger?: boolean;
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: { write(line: string): void };
  /** With a PostgreSQL store: pokes cross instances over LISTEN/NOTIFY on a connection of their own. */
  databaseUrl?: string;
  /** With an SMTP URL the mail worker delivers the outbox; without, mail stays queued. */
  mail?: { smtpUrl: string; from?: string; tuning?: Partial<MailWorkerTuning> };
  /** How long close() waits for requests in flight before cutting them. */
  drainTimeoutMs?: number;
  /**
   * With an interval the billing lifecycle runs in the background (service/lifecycle/): once the
   * caller calls scheduler.start() (after seeding), then every interval. Without, only operators run it.
   */
  lifecycleIntervalMs?: number;
}

export interface Service {
  app: FastifyInstance;
  deps: ServiceDeps;
  /** null when no SMTP URL was given. */
  mailWorker: MailWorker | null;
  /** null when no lifecycle interval was given. */
  scheduler: LifecycleScheduler | null;
  close(): Promise<void>;
}

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the billing service on a migrated store. Listening is the caller's choice. */
export async function buildService(options: ServiceOptions): Promise<Service> {
  await migrate(options.store);
  const deps: ServiceDeps = {
    store: options.store,
    tokens: createTokenService(options.tokenSecret),
    // Shared by every instance on PostgreSQL; PGlite is one instance, in memory.
    loginLimiter: options.store.kind === 'postgres' ? createPostgresLoginLimiter(options.store) : createLoginLimiter(),
    passwords: argon2Verifier,
    notifier: createSyncNotifier(),
    now: options.now ?? (() => new Date()),
    operatorToken: options.operatorToken ?? null,
    lifecycle: createLifecycle(),
  };
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    logger:
      options.logger === false
        ? false
        : {
            level: process.env['LOG_LEVEL'] ?? 'info',
            // Passwords and tokens never reach a log line.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken', '*.accessToken', '*.token'],
              censor: '[redacted]',
            },
            // Query strings too: the request's address is logged with secret-looking values redacted.
            serializers: { req: serializeRequest },
            ...(options.logStream === undefined ? {} : { stream: options.logStream }),
          },
    // Closing ends idle keep-alive connections only: requests in flight finish (the drain,
    // lifecycle.ts); event streams are ended by the drain itself.
    forceCloseConnections: 'idle',
    // Refusals Fastify and Node make before a route runs, in the error shape (http/errors.ts).
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
    return503OnClosing: false,
    // HEAD is not in the API (nor its document): it answers 404 like any other method a path lacks.
    exposeHeadRoutes: false,
  });
  installJsonBodyParser(app);
  installErrorHandling(app);
  // Operator routes exist only when an operator token is configured.
  const routes = API_ROUTES.filter((route) => route.auth !== 'operator' || deps.operatorToken !== null);
  registerRoutes(app, [...routes, openApiRoute(routes)], deps);
  if (options.databaseUrl !== undefined && options.store.kind === 'postgres') {
    deps.notifier = await createPostgresSyncNotifier({
      connectionString: options.databaseUrl,
      sql: options.store,
      log: { info: (message) => app.log.info(message), warn: (error, message) => app.log.warn({ err: error }, message) },
    });
  }
  const mailWorker =
    options.mail === undefined
      ? null
      : createMailWorker({
          store: options.store,
          sender: createSmtpSender(options.mail.smtpUrl, options.mail.tuning?.concurrency ?? DEFAULT_MAIL_TUNING.concurrency),
          from: options.mail.from ?? DEFAULT_MAIL_FROM,
          log: { info: (details, message) => app.log.info(details, message), warn: (details, message) => app.log.warn(details, message), error: (details, message) => app.log.error(details, message) },
          ...(options.mail.tuning === undefined ? {} : { tuning: options.mail.tuning }),
        });
  mailWorker?.start();
  const scheduler =
    options.lifecycleIntervalMs === undefined || options.lifecycleIntervalMs <= 0
      ? null
      : createLifecycleScheduler({
          deps,
          intervalMs: options.lifecycleIntervalMs,
          log: { info: (details, message) => app.log.info(details, message), warn: (details, message) => app.log.warn(details, message) },
        });
  return {
    app,
    deps,
    mailWorker,
    scheduler,
    async close() {
      // Not ready, event streams end with a retry hint, no new connections, requests in flight finish.
      deps.lifecycle.startDraining();
      await closeServer(app, options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
      // A lifecycle run in progress commits (or rolls back) before the store closes.
      await scheduler?.stop();
      // Sends in flight finish and are marked before the store closes.
      await mailWorker?.stop();
      await deps.notifier.close();
    },
  };
}
