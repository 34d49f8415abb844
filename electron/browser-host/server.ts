import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { CoreEvent } from '@shared/ipc/contract';
import type { Dispatcher } from '../core/ipc/dispatcher';
import { bridgeScript, UNLOCK_SCRIPT } from './bridge-script';

export interface BrowserHostOptions {
  rendererDir: string;
  dispatcher: Dispatcher;
  channelNames: readonly string[];
  port?: number;
}

export interface BrowserHost {
  url: string;
  port: number;
  /** The launch URL, with the per-launch token in its fragment. */
  launchUrl: string;
  broadcast(event: CoreEvent): void;
  close(): Promise<void>;
}

const COOKIE = 'seatdesk_host';
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};
const REFUSAL = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Seatdesk</title>
<script src="/__seatdesk/unlock.js"></script></head>
<body><p>This Seatdesk browser host serves only the link it printed when it started, with its token.</p></body></html>`;

// input is optional: channels that take nothing are called without it (JSON drops undefined).
const callSchema = z.object({ id: z.number().int(), name: z.string(), input: z.unknown().optional() });

/** Serves the built renderer on loopback, behind a per-launch token (DESIGN.md, "The browser host"). */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = randomBytes(24).toString('base64url');
  const root = resolve(options.rendererDir);
  const sockets = new Set<WebSocket>();
  let origin = '';

  const hasToken = (request: IncomingMessage): boolean => {
    const cookie = request.headers.cookie ?? '';
    const value = cookie.split(';').map((part) => part.trim().split('=')).find(([name]) => name === COOKIE)?.[1];
    return value !== undefined && sameSecret(value, token);
  };

  const server = createServer((request, response) => {
    void serve(request, response).catch(() => send(response, 500, 'text/plain', 'Internal error'));
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'Method not allowed');
    if (url.pathname === '/__seatdesk/unlock.js') return send(response, 200, CONTENT_TYPES['.js']!, UNLOCK_SCRIPT);
    if (url.pathname === '/__seatdesk/unlock') {
      const given = url.searchParams.get('token') ?? '';
      if (!sameSecret(given, token)) return send(response, 403, CONTENT_TYPES['.html']!, REFUSAL);
      response.writeHead(303, {
        location: '/',
        'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
      });
      response.end();
      return;
    }
    if (!hasToken(request)) return send(response, 403, CONTENT_TYPES['.html']!, REFUSAL);
    if (url.pathname === '/__seatdesk/bridge.js') {
      return send(response, 200, CONTENT_TYPES['.js']!, bridgeScript(options.channelNames));
    }
    const file = resolveInside(root, url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname));
    if (file === null) return send(response, 404, 'text/plain', 'Not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return send(response, 404, 'text/plain', 'Not found');
    }
    if (file.endsWith('index.html')) {
      const html = body.toString('utf8').replace('<head>', '<head>\n    <script src="/__seatdesk/bridge.js"></script>');
      return send(response, 200, CONTENT_TYPES['.html']!, html);
    }
    return send(response, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname !== '/__seatdesk/ws' || request.headers.origin !== origin || !hasToken(request)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (raw) => {
        let json: unknown;
        try {
          json = JSON.parse(String(raw));
        } catch {
          return;
        }
        const call = callSchema.safeParse(json);
        if (!call.success) {
          const id = z.object({ id: z.number().int() }).safeParse(json);
          if (id.success) {
            const error = { code: 'VALIDATION', message: 'The call was not of the form {id, name, input}.' };
            ws.send(JSON.stringify({ kind: 'result', id: id.data.id, result: { ok: false, error } }));
          }
          return;
        }
        void options.dispatcher.dispatch(call.data.name, call.data.input).then((result) => {
          ws.send(JSON.stringify({ kind: 'result', id: call.data.id, result }));
        });
      });
    });
  });

  await new Promise<void>((resolveListen) => server.listen(options.port ?? 0, '127.0.0.1', resolveListen));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    port,
    launchUrl: `${origin}/#token=${token}`,
    broadcast(event) {
      const message = JSON.stringify({ kind: 'event', event });
      for (const ws of sockets) ws.send(message);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  response.end(body);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Maps a URL path to a file inside root, or null when it would leave root. */
export function resolveInside(root: string, urlPath: string): string | null {
  if (urlPath.includes('\0')) return null;
  const candidate = normalize(join(root, urlPath));
  return candidate === root || candidate.startsWith(root + sep) ? candidate : null;
}
