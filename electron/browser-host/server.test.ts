import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { channelNames } from '@shared/ipc/contract';
import { ipcContract } from '@shared/ipc/channels';
import { createCore, type Core } from '../core/core';
import { resolveInside, startBrowserHost, type BrowserHost } from './server';

let host: BrowserHost;
let core: Core;
let cookie: string;
let root: string;

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    // A raw request, so paths like /../x reach the server unnormalised.
    // agent: false, so no kept-alive socket is later reused for the WebSocket handshake.
    const req = request({ host: '127.0.0.1', port: host.port, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seatdesk-host-'));
  await mkdir(join(root, 'renderer'));
  await writeFile(join(root, 'renderer/index.html'), '<html><head></head><body>app</body></html>');
  await writeFile(join(root, 'secret.txt'), 'outside the renderer');
  core = await createCore({ dataDir: join(root, 'data'), defaultServiceUrl: null, appInfo: { name: 'Seatdesk', version: '0.0.1', host: 'test' } });
  host = await startBrowserHost({
    rendererDir: join(root, 'renderer'),
    dispatcher: core.dispatcher,
    channelNames: channelNames(ipcContract),
  });
  const token = new URL(host.launchUrl).hash.replace('#token=', '');
  const unlocked = await get(`/__seatdesk/unlock?token=${token}`);
  expect(unlocked.status).toBe(303);
  cookie = String((unlocked.headers['set-cookie'] as string[])[0]).split(';')[0]!;
});

afterAll(async () => {
  await host.close();
  await core.close();
});

describe('the browser host', () => {
  it('binds loopback only and prints a launch URL with a token', () => {
    expect(host.launchUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{32}$/);
  });

  it('refuses everything without the token', async () => {
    for (const path of ['/', '/index.html', '/__seatdesk/bridge.js', '/__seatdesk/unlock?token=guess']) {
      const response = await get(path);
      expect(response.status).toBe(403);
      expect(response.body).not.toContain('app</body>');
    }
  });

  it('serves the renderer with the bridge script once unlocked', async () => {
    const page = await get('/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/__seatdesk/bridge.js"></script>');
    const bridge = await get('/__seatdesk/bridge.js', { cookie });
    expect(bridge.body).toContain('"app.version"');
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt']) {
      const response = await get(path, { cookie });
      expect(response.status).toBe(404);
      expect(response.body).not.toContain('outside the renderer');
    }
    expect(resolveInside('/srv/app', '/../etc/passwd')).toBeNull();
    expect(resolveInside('/srv/app', '/a\0b')).toBeNull();
    expect(resolveInside('/srv/app', '/assets/x.js')).toBe('/srv/app/assets/x.js');
  });

  it('accepts the WebSocket only from its own origin with the token, and dispatches calls', async () => {
    const url = `ws://127.0.0.1:${host.port}/__seatdesk/ws`;
    const refused = (headers: Record<string, string>) =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.on('open', () => (ws.close(), resolve(false)));
        ws.on('error', () => resolve(true));
      });
    expect(await refused({ cookie })).toBe(true);
    expect(await refused({ cookie, origin: 'http://evil.example' })).toBe(true);
    expect(await refused({ origin: host.url })).toBe(true);

    const ws = new WebSocket(url, { headers: { cookie, origin: host.url } });
    await new Promise((resolve) => ws.on('open', resolve));
    const reply = new Promise<unknown>((resolve) => ws.on('message', (data) => resolve(JSON.parse(String(data)))));
    ws.send(JSON.stringify({ id: 7, name: 'app.version', input: undefined }));
    expect(await reply).toEqual({
      kind: 'result',
      id: 7,
      result: { ok: true, value: { name: 'Seatdesk', version: '0.0.1', host: 'test' } },
    });
    const malformed = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    ws.send(JSON.stringify({ id: 8, name: 42 }));
    expect(await malformed).toMatchObject({ id: 8, result: { ok: false, error: { code: 'VALIDATION' } } });
    ws.close();
  });
});
