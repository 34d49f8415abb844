/**
 * Automatic updates through electron-updater from a generic feed (a folder of latest.yml /
 * latest-mac.yml and the installers, as electron-builder writes them). No feed configured:
 * no checks at all, and no menu item.
 */
export interface GenericFeed {
  provider: 'generic';
  url: string;
}

export function updateFeed(feedUrl: string | null): GenericFeed | null {
  return feedUrl === null ? null : { provider: 'generic', url: feedUrl };
}

/** What electron-updater's checkForUpdates told us, reduced to what the user sees. */
export type UpdateCheckOutcome =
  | { kind: 'up-to-date'; currentVersion: string }
  | { kind: 'available'; currentVersion: string; version: string }
  | { kind: 'failed'; reason: string };

/** The message box for a check the user asked for from the Help menu. */
export function updateCheckMessage(outcome: UpdateCheckOutcome): { type: 'info' | 'warning'; message: string; detail: string } {
  switch (outcome.kind) {
    case 'up-to-date':
      return { type: 'info', message: 'Seatdesk is up to date.', detail: `You have version ${outcome.currentVersion}, the latest.` };
    case 'available':
      return {
        type: 'info',
        message: `Seatdesk ${outcome.version} is available.`,
        detail: `It is downloading now and will be installed when you quit Seatdesk (you have ${outcome.currentVersion}).`,
      };
    case 'failed':
      return { type: 'warning', message: 'Seatdesk could not check for updates.', detail: `${outcome.reason} The details are in the log.` };
  }
}
