/**
 * The one line the billing service prints once it accepts requests. The Electron main process
 * and the browser host start the embedded service and read its address from this line.
 */
export const SERVICE_LISTENING_PREFIX = 'Seatdesk billing service listening on ';

export function serviceListeningLine(url: string): string {
  return `${SERVICE_LISTENING_PREFIX}${url}`;
}

/** The service URL from one line of the service's output, or null when the line is anything else. */
export function parseServiceListeningLine(line: string): string | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith(SERVICE_LISTENING_PREFIX)) return null;
  const candidate = trimmed.slice(SERVICE_LISTENING_PREFIX.length);
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/.test(candidate)) return null;
  return candidate;
}
