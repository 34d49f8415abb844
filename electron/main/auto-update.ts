import { app, dialog, type BrowserWindow } from 'electron';
import electronUpdater from 'electron-updater';
import type { Log } from './log';
import { updateCheckMessage, type GenericFeed, type UpdateCheckOutcome } from './updates';

export interface AutoUpdates {
  /** The Help menu's "Check for Updates…": says what it found. */
  checkInteractively(window: BrowserWindow | null): Promise<void>;
}

/**
 * Wires electron-updater to the configured generic feed: a check at start, a download in the
 * background, the install when the user quits (or restarts from the prompt). Updates are
 * verified by electron-updater (sha512 from the feed plus the platform's code signature).
 */
export function startAutoUpdates(feed: GenericFeed, log: Log): AutoUpdates {
  // electron-updater is CommonJS; its autoUpdater is a getter the ESM loader cannot name.
  const { autoUpdater } = electronUpdater;
  autoUpdater.logger = {
    info: (message?: unknown) => log.info(`updater: ${String(message)}`),
    warn: (message?: unknown) => log.warn(`updater: ${String(message)}`),
    error: (message?: unknown) => log.error(`updater: ${String(message)}`),
    debug: () => {},
  };
  autoUpdater.setFeedURL(feed);
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.allowPrerelease = false;
  autoUpdater.allowDowngrade = false;

  autoUpdater.on('update-downloaded', (info) => {
    void dialog
      .showMessageBox({
        type: 'info',
        buttons: ['Restart Now', 'Later'],
        defaultId: 1,
        cancelId: 1,
        message: `Seatdesk ${info.version} is ready to install.`,
        detail: 'Restart Seatdesk to use it, or it will be installed the next time you quit.',
      })
      .then(({ response }) => {
        // quitAndInstall goes through before-quit, so queued changes are still written first.
        if (response === 0) autoUpdater.quitAndInstall();
      });
  });

  const check = async (): Promise<UpdateCheckOutcome> => {
    try {
      const result = await autoUpdater.checkForUpdates();
      const currentVersion = app.getVersion();
      if (result === null) return { kind: 'failed', reason: 'Updates are not active in this build.' };
      return result.isUpdateAvailable ? { kind: 'available', currentVersion, version: result.updateInfo.version } : { kind: 'up-to-date', currentVersion };
    } catch (error) {
      log.warn('Update check failed', error);
      return { kind: 'failed', reason: 'The update server could not be reached.' };
    }
  };

  if (app.isPackaged) void check();
  else log.info(`Updates: feed ${feed.url} configured; not checked in development.`);

  return {
    async checkInteractively(window) {
      const box = updateCheckMessage(await check());
      const options = { type: box.type, message: box.message, detail: box.detail, buttons: ['OK'] };
      await (window === null ? dialog.showMessageBox(options) : dialog.showMessageBox(window, options));
    },
  };
}
