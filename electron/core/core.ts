// Every zod message in the core in plain words; first, before any schema is used.
import '@shared/install-plain-messages';
import type { AppInfo } from '@shared/ipc/channels';
import { ipcContract } from '@shared/ipc/channels';
import { SeatdeskError } from '@shared/errors';
import { openAccount, type AccountRuntime } from './app/account';
import { createHandlers, type CoreContext } from './app/handlers';
import { createEventBus, type EventBus } from './events/event-bus';
import { ensurePrivateFolder, tightenPrivateFile } from './db/private-files';
import { createDispatcher, type Dispatcher } from './ipc/dispatcher';
import { keytarSecretStore, type SecretStore } from './secrets/secret-store';
import { sessionFilePath } from './session/session-file';
import { createSessionManager, type SessionManager } from './session/session-manager';
import type { SyncLog } from './sync/apply';

export interface CoreOptions {
  /** The app's data folder: session.json and one cache database per account live here. */
  dataDir: string;
  defaultServiceUrl: string | null;
  appInfo: AppInfo;
  secretStore?: SecretStore;
  log?: (message: string, error?: unknown) => void;
  locale?: string;
}

export interface Core {
  dispatcher: Dispatcher;
  events: EventBus;
  session: SessionManager;
  /** Stops syncing, waiting for the write in progress, and closes the cache. */
  close(): Promise<void>;
}

/**
 * The composition root of electron/core: the session, the signed-in account's cache and sync
 * engine, and the dispatcher the Electron main process and the browser host both call.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const syncLog: SyncLog = (level, message, details) => {
    if (level !== 'info') log(`sync ${level}: ${message}`, details);
  };
  const events = createEventBus((message, error) => log(message, error));
  // The owner's only, also what an older version left readable (db/private-files.ts).
  ensurePrivateFolder(options.dataDir);
  tightenPrivateFile(sessionFilePath(options.dataDir));
  const session = createSessionManager({
    dataDir: options.dataDir,
    secretStore: options.secretStore ?? keytarSecretStore(),
    defaultServiceUrl: options.defaultServiceUrl,
    events,
  });

  let account: AccountRuntime | null = null;
  let switching: Promise<void> = Promise.resolve();

  /** Serialised: opens the current account's runtime, closing the previous one first. */
  function followSession(): Promise<void> {
    switching = switching.then(async () => {
      const current = session.current();
      if (account !== null && current !== null && account.session === current) return;
      if (account !== null) {
        const closing = account;
        account = null;
        await closing.close();
      }
      if (current !== null) account = await openAccount(current, events, syncLog);
    });
    return switching;
  }

  events.subscribe((event) => {
    if (event.type === 'session.changed') void followSession().catch((error: unknown) => log('Could not switch accounts', error));
  });

  await session.restore();
  await followSession();

  const ctx: CoreContext = {
    appInfo: options.appInfo,
    session,
    locale: options.locale ?? Intl.DateTimeFormat().resolvedOptions().locale,
    followSession,
    account() {
      if (account === null) throw new SeatdeskError('UNAUTHENTICATED', 'Sign in to see this.');
      return account;
    },
  };
  const inner = createDispatcher(ipcContract, createHandlers(), ctx, log);
  // A call that arrives while the account is being switched (a window reacting to
  // session.changed) waits for the switch instead of finding no account and failing.
  const dispatcher: Dispatcher = {
    async dispatch(name, input) {
      await switching.catch(() => undefined);
      return inner.dispatch(name, input);
    },
  };
  return {
    dispatcher,
    events,
    session,
    async close() {
      await switching.catch(() => undefined);
      const closing = account;
      account = null;
      await closing?.close();
    },
  };
}
