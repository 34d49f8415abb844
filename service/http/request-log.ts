import type { FastifyRequest } from 'fastify';

/**
 * Query parameter names whose values are secrets (a token sent as ?access_token= was logged in
 * full): matched anywhere in the name, case-insensitively, so api_key, X-Refresh-Token and
 * signatureV2 count too. Redacting a harmless value by mistake costs nothing.
 */
const SECRET_NAME = /token|passw|secret|signature|key|code|auth|session|cookie|credential/i;

/** How much of a path or query a log line keeps; a 10 KB address is an attack, not information. */
const MAX_LOGGED = 300;

export const REDACTED = '[redacted]';

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return raw;
  }
}

const cap = (text: string) => (text.length > MAX_LOGGED ? `${text.slice(0, MAX_LOGGED)}…` : text);

/**
 * The address as a log line shows it: the path, and each query parameter with its value replaced
 * by [redacted] when its name looks secret. Both are capped in length; the rest stays raw
 * (percent-encoded), as the client sent it.
 */
export function loggedUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1) return cap(url);
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return SECRET_NAME.test(decodeName(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${cap(url.slice(0, mark))}?${cap(query)}`;
}

/** pino's `req` serializer for Fastify: what Fastify's default logs, with the address redacted. */
export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: loggedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
