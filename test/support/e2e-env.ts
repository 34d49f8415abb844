import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test, type Page } from '@playwright/test';
import { startHostProcess, type RunningHost } from './browser-host';

const ROOT = resolve(import.meta.dirname, '../..');
const SERVICE_LINE = /^Seatdesk billing service listening on (http:\/\/127\.0\.0\.1:(\d+))$/;
export const DEMO_PASSWORD = 'seatdesk-demo';

/** The built billing service (out/service/index.mjs) in its own process, restartable on the same port and data. */
export interface ServiceProcess {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** JSON over HTTP straight to the service (a second client, or a check of what it holds). */
  call(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<{ status: number; body: unknown }>;
  signIn(email: string, password?: string): Promise<{ accessToken: string; user: { id: string; orgId: string } }>;
}

async function spawnService(dataDir: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'out/service/index.mjs'), '--port', String(port), '--data', dataDir, '--seed', 'demo'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', SEATDESK_TOKEN_SECRET: 'e2e-token-secret-0123456789abcdef0123456789' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = SERVICE_LINE.exec(line.trim());
      if (match?.[1]) resolveUrl(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the billing service exited (${String(code)}); is it built? (npm run build)`)));
  });
  return { child, url };
}

export async function startServiceProcess(dataDir: string): Promise<ServiceProcess> {
  let running = await spawnService(dataDir, 0);
  const url = running.url;
  const port = Number(new URL(url).port);
  let child: ChildProcess | null = running.child;
  const call: ServiceProcess['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url + path, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  };
  return {
    url,
    call,
    async signIn(email, password = DEMO_PASSWORD) {
      const response = await call('POST', '/v1/auth/login', { body: { email, password } });
      if (response.status !== 200) throw new Error(`sign-in as ${email} failed: ${JSON.stringify(response.body)}`);
      return response.body as { accessToken: string; user: { id: string; orgId: string } };
    },
    async stop() {
      if (child === null) return;
      const exiting = once(child, 'exit');
      child.kill('SIGTERM');
      await exiting;
      child = null;
    },
    async start() {
      if (child !== null) return;
      running = await spawnService(dataDir, port);
      child = running.child;
    },
  };
}

/**
 * A TCP pass-through between the app's core and the service, so a test can take the app offline
 * (cut()) while the service keeps running for a second client, then restore() it.
 */
export interface NetworkLink {
  url: string;
  /**
   * reset (default): connections are taken and dropped at once, which the app cannot tell from a
   * request lost on its way. refuse: connections are refused, as with no network or the service
   * down: the app knows nothing it sent arrived.
   */
  cut(mode?: 'reset' | 'refuse'): void;
  /** Connections are taken again (after refuse, within a moment: the port is listened on again). */
  restore(): void;
  close(): Promise<void>;
}

export async function startNetworkLink(target: string): Promise<NetworkLink> {
  const { port: targetPort, hostname } = new URL(target);
  let connected = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!connected) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(targetPort), hostname);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no proxy address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut(mode = 'reset') {
      connected = false;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (mode === 'refuse' && server.listening) server.close();
    },
    restore() {
      connected = true;
      // The port was ours a moment ago; it is taken again so the app's address stays the same.
      if (!server.listening) server.listen(address.port, '127.0.0.1');
    },
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

/** Service + network link + browser host (the real core) on fresh data folders. */
export interface E2eEnvironment {
  service: ServiceProcess;
  link: NetworkLink;
  host: RunningHost;
  close(): Promise<void>;
}

export async function startE2eEnvironment(): Promise<E2eEnvironment> {
  const root = mkdtempSync(join(tmpdir(), 'seatdesk-e2e-'));
  const service = await startServiceProcess(join(root, 'service'));
  const link = await startNetworkLink(service.url);
  const host = await startHostProcess(['--service', link.url, '--data', join(root, 'app')]);
  return {
    service,
    link,
    host,
    async close() {
      await host.stop();
      await link.close();
      await service.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Opens the app and signs in through the real sign-in screen; resolves once the shell shows. */
export async function signIn(page: Page, env: E2eEnvironment, email = 'owner@northwind.example', password = DEMO_PASSWORD): Promise<void> {
  await page.goto(env.host.launchUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').first().waitFor();
}

/**
 * signIn, bounded: seen intermittently under heavy load before calls waited for the account
 * switch, the workspace stayed on "Loading…" after sign-in. One reload is allowed to get past
 * it, and is recorded as a test annotation so it stays visible.
 */
export async function signInAllowingOneReload(page: Page, env: E2eEnvironment, email?: string): Promise<void> {
  const signingIn = signIn(page, env, email).then(() => true);
  const shown = await Promise.race([signingIn, new Promise<boolean>((done) => setTimeout(() => done(false), 45_000))]);
  if (shown) return;
  test.info().annotations.push({ type: 'known-issue', description: 'workspace stuck on Loading… after sign-in; reloaded once' });
  // Printed too, so a CI log shows whether it still happens.
  console.warn(`known issue: ${test.info().titlePath.join(' › ')}: the workspace was not shown 45 s after sign-in; reloading once`);
  await page.reload();
  await page.getByRole('navigation', { name: 'Screens' }).waitFor({ timeout: 45_000 });
  await signingIn.catch(() => undefined);
}

/**
 * The set-up most serial spec files share: a fresh environment and one page, signed in as the
 * owner before the file's tests and closed after them. `use` receives both first; `prepare` then
 * runs before the sign-in (for ids or tokens fetched through the service's API).
 */
export function signedInForSpec(use: (started: { env: E2eEnvironment; page: Page }) => void, prepare?: () => Promise<void>): void {
  let env: E2eEnvironment | undefined;
  let page: Page | undefined;
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(180_000);
    env = await startE2eEnvironment();
    page = await browser.newPage();
    use({ env, page });
    await prepare?.();
    await signInAllowingOneReload(page, env);
  });
  test.afterAll(async () => {
    env?.link.restore();
    await page?.close();
    await env?.close();
  });
}

/** Opens a screen from the navigation and waits for its heading. */
export async function openScreen(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('main').getByRole('heading', { level: 1, name, exact: true })).toBeVisible();
}

export const statusBar = (page: Page) => page.getByRole('contentinfo', { name: 'Sync status' });

/** Clicks "Sync now" until the status bar shows no pending change. */
export async function syncUntilNothingPending(page: Page): Promise<void> {
  await expect(async () => {
    const button = statusBar(page).getByRole('button', { name: 'Sync now' });
    if (await button.isEnabled()) await button.click();
    await expect(statusBar(page)).toContainText('0 pending changes', { timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
}
