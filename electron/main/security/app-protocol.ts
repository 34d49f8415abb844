import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './origins';

/**
 * The app:// protocol: serves the built renderer (out/renderer) and nothing else. Chromium
 * normalises URLs before they get here, but the handler does not rely on it: every request
 * is decoded and checked on its own.
 */
export type AppRequest =
  | { kind: 'file'; path: string; contentType: string }
  | { kind: 'refused'; status: 400 | 403 | 404 | 405 };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Maps an app:// request to a file inside rendererRoot, or refuses it. */
export function resolveAppRequest(url: string, method: string, rendererRoot: string): AppRequest {
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'refused', status: 405 };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'refused', status: 400 };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host.toLowerCase() !== APP_HOST || parsed.username !== '' || parsed.password !== '') {
    return { kind: 'refused', status: 403 };
  }
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return { kind: 'refused', status: 400 };
  }
  // After decoding: no NUL, no backslash (a separator on Windows), no dot segments, no drive letters.
  const segments = path.split('/').filter((segment) => segment !== '');
  if (
    path.includes('\0') ||
    path.includes('\\') ||
    segments.some((segment) => segment === '.' || segment === '..' || segment.includes(':'))
  ) {
    return { kind: 'refused', status: 403 };
  }
  const root = resolve(rendererRoot);
  // The renderer is a single page: an extension-less path is a client-side route.
  const target = segments.length === 0 || extname(path) === '' ? resolve(root, 'index.html') : resolve(root, ...segments);
  const inside = relative(root, target);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) {
    return { kind: 'refused', status: 403 };
  }
  const contentType = CONTENT_TYPES[extname(target).toLowerCase()];
  if (contentType === undefined) return { kind: 'refused', status: 404 };
  return { kind: 'file', path: target, contentType };
}

/** Headers on everything app:// serves: the CSP, no sniffing, no referrer, isolation. */
export function appResponseHeaders(contentType: string, csp: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-cache',
  };
}

export interface AppProtocolOptions {
  rendererRoot: string;
  csp: string;
  read?: (path: string) => Promise<Uint8Array>;
}

/** The handler given to protocol.handle('app', ...): fetch Request in, Response out. */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const read = options.read ?? ((path: string) => readFile(path));
  return async (request) => {
    const resolved = resolveAppRequest(request.url, request.method, options.rendererRoot);
    if (resolved.kind === 'refused') {
      return new Response(null, { status: resolved.status, headers: appResponseHeaders('text/plain; charset=utf-8', options.csp) });
    }
    let body: Uint8Array;
    try {
      body = await read(resolved.path);
    } catch {
      return new Response(null, { status: 404, headers: appResponseHeaders('text/plain; charset=utf-8', options.csp) });
    }
    const headers = appResponseHeaders(resolved.contentType, options.csp);
    return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers });
  };
}
