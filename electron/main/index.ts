import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  screen,
  session,
  shell,
  utilityProcess,
  type IpcMainInvokeEvent,
} from 'electron';
import type { CoreEvent, IpcResult } from '@shared/ipc/contract';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type AppInfo } from '@shared/ipc/channels';
import { createCore } from '../core/core';
import { startAutoUpdates, type AutoUpdates } from './auto-update';
import { defaultServiceUrl, resolveAppConfig } from './config';
import { crashDialogContent } from './crash';
import { startEmbeddedService, type EmbeddedService, type ForkService } from '../core/embedded-service/launcher';
import { createRotatingLog } from './log';
import { buildMenuTemplate, DOCUMENTATION_URL } from './menu';
import { createAppProtocolHandler } from './security/app-protocol';
import { contentSecurityPolicy } from './security/csp';
import { hardenAllWebContents, hardenSession, openExternalSafely } from './security/harden';
import { APP_ENTRY_URL, APP_SCHEME, isTrustedUrl, originOf, trustedOrigins } from './security/origins';
import { isTrustedSender, type SenderFrame } from './security/sender';
import { createMainWindow as openSecureWindow } from './security/window-options';
import { createQuitGuard } from './shutdown';
import { updateFeed } from './updates';
import { restoreWindowState, windowStateToSave } from './window-state';

// The Electron shell: lifecycle, the window, menus, the app:// protocol, IPC registration and
// the embedded billing service. Every security decision is a pure function in ./security.

type Core = Awaited<ReturnType<typeof createCore>>;
interface Running {
  core: Core;
  embedded: EmbeddedService | null;
}

// Before anything reads it: one data folder per product, whatever the package name is
// (the single-instance lock is per data folder too).
const config0 = resolveAppConfig(process.env, undefined);
app.setPath('userData', config0.userDataDir ?? join(app.getPath('appData'), 'Seatdesk'));
const userData = app.getPath('userData');
mkdirSync(userData, { recursive: true });
const log = createRotatingLog({ dir: join(userData, 'logs'), echo: !app.isPackaged });
const config = resolveAppConfig(process.env, readJson(join(userData, 'config.json')));
for (const problem of config.problems) log.warn(`Configuration: ${problem}`);

const devServerUrl = app.isPackaged ? null : (process.env['ELECTRON_RENDERER_URL'] ?? null);
const devServerOrigin = devServerUrl === null ? null : originOf(devServerUrl);
const origins = trustedOrigins(devServerUrl);

let crashDialogOpen = false;
function reportUncaught(error: unknown): void {
  log.error('Uncaught error in the main process', error);
  const content = crashDialogContent(error, log.file);
  if (!app.isReady()) {
    dialog.showErrorBox(content.message, content.detail);
    app.exit(1);
    return;
  }
  if (crashDialogOpen) return;
  crashDialogOpen = true;
  void dialog
    .showMessageBox({ type: 'error', title: content.title, message: content.message, detail: content.detail, buttons: ['Quit Seatdesk', 'Keep Working'], defaultId: 1, cancelId: 1 })
    .then(({ response }) => {
      crashDialogOpen = false;
      if (response === 0) app.quit();
    });
}
process.on('uncaughtException', reportUncaught);
process.on('unhandledRejection', reportUncaught);

// Must run before 'ready': app:// behaves like https (a standard, secure origin with fetch);
// corsEnabled because Vite loads the bundle as <script type="module" crossorigin>.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  main();
}

function main(): void {
  const appInfo: AppInfo = { name: 'Seatdesk', version: app.getVersion(), host: 'electron' };
  const appWindows = new Set<number>();
  let mainWindow: BrowserWindow | null = null;
  let updates: AutoUpdates | null = null;

  const forkUtility: ForkService = (modulePath, args, env) =>
    utilityProcess.fork(modulePath, args, { stdio: 'pipe', env, serviceName: 'Seatdesk billing service' });

  async function startRunning(): Promise<Running> {
    let embedded: EmbeddedService | null = null;
    if (config.embeddedService) {
      try {
        embedded = await startEmbeddedService({
          modulePath: join(import.meta.dirname, '../service/index.mjs'),
          dataDir: join(userData, 'service'),
          fork: forkUtility,
          log: (line) => log.info(line),
        });
        log.info(`Embedded billing service at ${embedded.url}`);
        void embedded.exited.then((code) => {
          if (quitGuard.state === 'running') log.warn(`The embedded billing service exited unexpectedly (code ${code}).`);
        });
      } catch (error) {
        log.error('The embedded billing service did not start', error);
      }
    }
    const core = await createCore({
      dataDir: userData,
      defaultServiceUrl: defaultServiceUrl(config, embedded?.url ?? null),
      appInfo,
      log: (message: string, error?: unknown) => log.error(message, error),
    });
    core.events.subscribe((event: CoreEvent) => broadcast(event));
    return { core, embedded };
  }

  let running: Promise<Running> | null = null;
  const whenRunning = (): Promise<Running | null> => (running === null ? Promise.resolve(null) : running.catch(() => null));

  function broadcast(event: CoreEvent): void {
    for (const window of BrowserWindow.getAllWindows()) {
      const contents = window.webContents;
      // Only to the app's own page: never to whatever a window might have been navigated to.
      if (appWindows.has(contents.id) && !contents.isDestroyed() && isTrustedUrl(contents.getURL(), origins)) {
        contents.send(IPC_EVENT_CHANNEL, event);
      }
    }
  }

  function senderFrameOf(event: IpcMainInvokeEvent): SenderFrame | null {
    try {
      const frame = event.senderFrame;
      if (frame === null || frame.isDestroyed()) return null;
      return { url: frame.url, isTopFrame: frame.parent === null && frame === event.sender.mainFrame, inAppWindow: appWindows.has(event.sender.id) };
    } catch {
      return null;
    }
  }

  const refused: IpcResult<never> = { ok: false, error: { code: 'FORBIDDEN', message: 'Calls are accepted only from the Seatdesk window.' } };
  const notStarted: IpcResult<never> = { ok: false, error: { code: 'INTERNAL', message: 'Seatdesk could not open its local data. The details are in the log.' } };

  // The one IPC handler: every channel of the contract travels inside it, checked by the dispatcher.
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, name: unknown, input: unknown) => {
    if (!isTrustedSender(senderFrameOf(event), origins)) {
      log.warn(`Refused an IPC call from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
      return refused;
    }
    const ready = await whenRunning();
    return ready === null ? notStarted : ready.core.dispatcher.dispatch(name, input);
  });

  const windowStateFile = join(userData, 'window-state.json');
  function createMainWindow(): BrowserWindow {
    const primary = screen.getPrimaryDisplay();
    const workAreas = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
    const { bounds, maximized } = restoreWindowState(readJson(windowStateFile), workAreas);
    const window = openSecureWindow(BrowserWindow, { preload: join(import.meta.dirname, '../preload/index.cjs'), isPackaged: app.isPackaged, bounds });
    appWindows.add(window.webContents.id);
    if (maximized) window.maximize();
    window.once('ready-to-show', () => window.show());
    window.on('close', () => {
      try {
        writeFileSync(windowStateFile, JSON.stringify(windowStateToSave(window.getNormalBounds(), window.isMaximized())));
      } catch (error) {
        log.warn('Could not save the window position', error);
      }
    });
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    window.webContents.on('render-process-gone', (_event, details) => log.error(`The window's renderer is gone: ${details.reason} (${details.exitCode})`));
    void window.loadURL(devServerUrl ?? APP_ENTRY_URL).catch((error: unknown) => log.error('The window could not load the app', error));
    return window;
  }

  function showMainWindow(): void {
    if (mainWindow === null) {
      mainWindow = createMainWindow();
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }

  const quitGuard = createQuitGuard({
    steps: () => [
      // The core first: it waits for the outbox write in progress and closes the cache.
      { name: 'the core', run: async () => void (await (await whenRunning())?.core.close()) },
      { name: 'the embedded billing service', run: async () => void (await (await whenRunning())?.embedded?.stop()) },
    ],
    quit: () => app.quit(),
    log: (message, error) => log.warn(message, error),
  });
  app.on('before-quit', (event) => quitGuard.onBeforeQuit(event));
  process.once('SIGTERM', () => app.quit());
  process.once('SIGINT', () => app.quit());

  app.on('second-instance', () => {
    if (app.isReady()) showMainWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('child-process-gone', (_event, details) => log.warn(`A ${details.type} process is gone: ${details.reason} (${details.exitCode})`));
  hardenAllWebContents(origins, log);

  void app.whenReady().then(() => {
    log.info(`Seatdesk ${appInfo.version} starting (Electron ${process.versions.electron}, ${process.platform}-${process.arch})`);
    hardenSession(session.defaultSession, origins, devServerOrigin, log);
    protocol.handle(APP_SCHEME, createAppProtocolHandler({ rendererRoot: join(import.meta.dirname, '../renderer'), csp: contentSecurityPolicy() }));

    const feed = updateFeed(config.updateFeedUrl);
    if (feed !== null) updates = startAutoUpdates(feed, log);
    const menu = buildMenuTemplate({
      platform: process.platform,
      appName: app.name,
      isPackaged: app.isPackaged,
      actions: {
        openDocumentation: () => openExternalSafely(DOCUMENTATION_URL, log),
        openLogsFolder: () => void shell.openPath(join(userData, 'logs')),
        checkForUpdates: updates === null ? null : () => void updates?.checkInteractively(mainWindow),
      },
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(menu));

    running = startRunning();
    void running.catch((error: unknown) => {
      log.error('The core did not start', error);
      dialog.showErrorBox('Seatdesk could not open its local data', `The details are in the log:\n${log.file}`);
    });
    showMainWindow();
    app.on('activate', () => showMainWindow());
  });
}

function readJson(file: string): unknown {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}
