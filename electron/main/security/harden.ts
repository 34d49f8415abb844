import { app, shell, type Session, type WebContents } from 'electron';
import type { Log } from '../log';
import { contentSecurityPolicy } from './csp';
import { decideNavigation, decideWindowOpen, isAllowedDownload, isAllowedExternalUrl } from './navigation';
import { isTrustedUrl } from './origins';
import { isAllowedPermission } from './permissions';

/**
 * Applies the rules of DESIGN.md "Security rules" to Electron objects. The decisions are the
 * pure, tested functions next to this file; this only connects them to the events.
 */

/** The one place that calls shell.openExternal: https on the allowlist, nothing else. */
export function openExternalSafely(url: string, log: Log): void {
  if (!isAllowedExternalUrl(url)) {
    log.warn(`Refused to open ${url} outside the app: not an allowlisted https address.`);
    return;
  }
  void shell.openExternal(url).catch((error: unknown) => log.warn(`Could not open ${url}`, error));
}

/** Permissions, downloads and network for the session the app's window uses. */
export function hardenSession(ses: Session, origins: readonly string[], devServerOrigin: string | null, log: Log): void {
  // The app needs no camera, notifications, geolocation, clipboard-read, HID, serial, USB...
  // only clipboard writes for its copy buttons (permissions.ts).
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const allowed = isAllowedPermission(permission, details.requestingUrl || contents.getURL(), origins);
    if (!allowed) log.warn(`Denied a permission request: ${permission}`);
    callback(allowed);
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isAllowedPermission(permission, requestingOrigin, origins));
  ses.setDevicePermissionHandler(() => false);

  ses.on('will-download', (event, item) => {
    if (!isAllowedDownload(item.getURL(), origins)) {
      log.warn(`Cancelled a download from ${item.getURL()}`);
      event.preventDefault();
    }
  });

  // Belt and braces behind the CSP: the renderer has no business on the network (the core
  // makes every HTTP call from the main process). electron-updater uses its own session.
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (details, callback) => {
    const allowed = isTrustedUrl(details.url.replace(/^ws/, 'http'), origins);
    if (!allowed) log.warn(`Blocked a request from the renderer to ${details.url}`);
    callback({ cancel: !allowed });
  });

  if (devServerOrigin !== null) {
    // Development only: the dev server's pages get the (slightly wider) dev policy as a header.
    const devPolicy = contentSecurityPolicy({ devServerOrigin });
    ses.webRequest.onHeadersReceived({ urls: [`${devServerOrigin}/*`] }, (details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [devPolicy] } });
    });
  }
}

/** Navigation, new windows and webviews, for every WebContents the app ever creates. */
export function hardenWebContents(contents: WebContents, origins: readonly string[], log: Log): void {
  const onNavigate = (event: { preventDefault(): void }, url: string) => {
    const decision = decideNavigation(url, origins);
    if (decision.action === 'allow') return;
    event.preventDefault();
    if (decision.action === 'open-external') openExternalSafely(decision.url, log);
    else log.warn(`Blocked navigation to ${url}`);
  };
  contents.on('will-navigate', (event, url) => onNavigate(event, url));
  contents.on('will-redirect', (event, url) => onNavigate(event, url));
  // Frames inside the page (the CSP already forbids them) may not navigate anywhere but the app.
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame && !isTrustedUrl(event.url, origins)) {
      event.preventDefault();
      log.warn(`Blocked a frame navigating to ${event.url}`);
    }
  });
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.action === 'open-external') openExternalSafely(decision.url, log);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Every WebContents, including any created later (DevTools, a future dialog window). */
export function hardenAllWebContents(origins: readonly string[], log: Log): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, origins, log));
}
