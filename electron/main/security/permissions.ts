import { isTrustedUrl } from './origins';

/**
 * The one permission the app's own pages get: writing (sanitised) text to the clipboard, for
 * the "copy license key" button. Everything else (camera, notifications, clipboard reading,
 * geolocation, devices) is refused, and so is any request from another origin.
 */
const GRANTED = new Set(['clipboard-sanitized-write']);

export function isAllowedPermission(permission: string, requestingUrl: string, origins: readonly string[]): boolean {
  return GRANTED.has(permission) && isTrustedUrl(requestingUrl, origins);
}
