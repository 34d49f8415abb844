/**
 * Where the app's own pages come from. The renderer is served from app://seatdesk (a
 * privileged standard scheme handled in the main process), never from file://. In
 * development only, electron-vite's dev server (loopback) serves it instead.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'seatdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The origin of a URL as "scheme://host[:port]", or null when it has none we trust: an
 * unparseable URL, credentials in it, or a scheme without a host (javascript:, data:, file:).
 * WHATWG gives non-special schemes like app: an opaque "null" origin, so it is built by hand.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.username !== '' || parsed.password !== '' || parsed.host === '') return null;
  if (!['app:', 'http:', 'https:'].includes(parsed.protocol)) return null;
  return `${parsed.protocol}//${parsed.host.toLowerCase()}`;
}

/** The origins whose top frame may call the core: the app, plus the dev server in development. */
export function trustedOrigins(devServerUrl: string | null): string[] {
  const dev = devServerUrl === null ? null : originOf(devServerUrl);
  return dev !== null && isLoopbackOrigin(dev) ? [APP_ORIGIN, dev] : [APP_ORIGIN];
}

export function isLoopbackOrigin(origin: string): boolean {
  return /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(origin);
}

export function isTrustedUrl(url: string, origins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && origins.includes(origin);
}
