import { isTrustedUrl } from './origins';

/**
 * Hosts whose https pages the app may open in the user's browser (Help links, documentation).
 * Exact host names: no wildcards, so a look-alike subdomain never qualifies.
 */
export const EXTERNAL_HOSTS: readonly string[] = ['seatdesk.app', 'docs.seatdesk.app', 'status.seatdesk.app'];

export type NavigationDecision = { action: 'allow' } | { action: 'deny' } | { action: 'open-external'; url: string };

/**
 * May shell.openExternal be given this URL? Only https, only an allowlisted host on the
 * default port, no credentials. Everything else (javascript:, file:, a look-alike host,
 * smb: shares, custom protocol handlers) would hand an attacker an OS-level action.
 */
export function isAllowedExternalUrl(url: string, hosts: readonly string[] = EXTERNAL_HOSTS): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === '' &&
    hosts.includes(parsed.hostname.toLowerCase())
  );
}

/**
 * A page tried to navigate (a link, a form, location.href, a redirect). Staying on the app's
 * own origin is allowed; an allowlisted https link opens in the browser; nothing else loads.
 */
export function decideNavigation(url: string, origins: readonly string[], hosts: readonly string[] = EXTERNAL_HOSTS): NavigationDecision {
  if (isTrustedUrl(url, origins)) return { action: 'allow' };
  if (isAllowedExternalUrl(url, hosts)) return { action: 'open-external', url };
  return { action: 'deny' };
}

/** window.open and target=_blank: never a new Electron window; allowlisted links go to the browser. */
export function decideWindowOpen(url: string, hosts: readonly string[] = EXTERNAL_HOSTS): NavigationDecision {
  return isAllowedExternalUrl(url, hosts) ? { action: 'open-external', url } : { action: 'deny' };
}

/**
 * Downloads: only files the app made itself (a blob: URL of the app's own origin, which is how
 * the renderer saves an exported CSV or PDF). A download from anywhere else is cancelled.
 */
export function isAllowedDownload(url: string, origins: readonly string[]): boolean {
  if (!url.startsWith('blob:')) return false;
  return isTrustedUrl(url.slice('blob:'.length), origins);
}
