import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  embeddedServiceArgs,
  embeddedServiceEnv,
  parseListeningLine,
  startEmbeddedService,
  type ForkService,
} from './embedded-service';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs the real service/main.ts under Node, as utilityProcess.fork runs its bundle in the app. */
const forkServiceSource: ForkService = (_modulePath, args, env) =>
  spawn(process.execPath, ['--import', 'tsx', 'service/main.ts', ...args], {
    cwd: ROOT,
    env: { ...env, TSX_TSCONFIG_PATH: 'tsconfig.node.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

describe('parseListeningLine', () => {
  it('reads the URL from the service’s listening line', () => {
    expect(parseListeningLine('Seatdesk billing service listening on http://127.0.0.1:51234')).toBe('http://127.0.0.1:51234');
    expect(parseListeningLine('Seatdesk billing service listening on http://localhost:4000')).toBe('http://localhost:4000');
  });

  it.each([
    'Seatdesk billing service listening on http://evil.example:80',
    'Seatdesk billing service listening on http://0.0.0.0:4000',
    'Seatdesk billing service listening on https://127.0.0.1:4000',
    'Seatdesk billing service listening on http://127.0.0.1:99999',
    'Seatdesk billing service listening on http://127.0.0.1:0',
    'Seatdesk billing service listening on http://127.0.0.1:4000@evil.example',
    'xx Seatdesk billing service listening on http://127.0.0.1:4000',
    '{"level":30,"msg":"Server listening at http://127.0.0.1:4000"}',
    '',
  ])('ignores %j', (line) => {
    expect(parseListeningLine(line)).toBeNull();
  });
});

describe('embedded service arguments and environment', () => {
  it('asks for any free loopback port, the app’s data folder and the demo seed', () => {
    expect(embeddedServiceArgs('/data/service')).toEqual(['--port', '0', '--data', '/data/service', '--seed', 'demo']);
  });

  it('never lets the user’s environment point the embedded service at another database', () => {
    const env = embeddedServiceEnv({
      PATH: '/usr/bin',
      HOME: '/home/a',
      DATABASE_URL: 'postgres://prod',
      SMTP_URL: 'smtp://mail',
      SEATDESK_OPERATOR_TOKEN: 'x'.repeat(20),
      NODE_OPTIONS: '--require /tmp/evil.js',
      LOG_LEVEL: 'trace',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/a', LOG_LEVEL: 'warn' });
  });
});

describe('startEmbeddedService (the real billing service)', () => {
  async function signIn(url: string): Promise<{ token: string; orgId: string }> {
    const login = await fetch(`${url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@northwind.example', password: 'seatdesk-demo' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = (await (await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as {
      user: { orgId: string };
    };
    return { token: accessToken, orgId: me.user.orgId };
  }

  it('starts with demo data on loopback, stops cleanly, and keeps its data for the next start', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'seatdesk-embedded-')), 'service');
    const lines: string[] = [];
    const first = await startEmbeddedService({ modulePath: 'unused', dataDir, fork: forkServiceSource, log: (l) => lines.push(l) });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const session = await signIn(first.url);
    const created = await fetch(`${first.url}/v1/orgs/${session.orgId}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ firstName: 'Embedded', lastName: 'Survivor', email: 'survivor@northwind.example' }),
    });
    expect(created.status).toBe(201);
    await first.stop();
    expect(await first.exited).toBe(0);
    await expect(fetch(`${first.url}/healthz`)).rejects.toThrow();

    const second = await startEmbeddedService({ modulePath: 'unused', dataDir, fork: forkServiceSource });
    try {
      const again = await signIn(second.url);
      const users = (await (
        await fetch(`${second.url}/v1/orgs/${again.orgId}/users?q=survivor`, { headers: { authorization: `Bearer ${again.token}` } })
      ).json()) as { items: { email: string }[] };
      expect(users.items.map((u) => u.email)).toEqual(['survivor@northwind.example']);
    } finally {
      await second.stop();
    }
    expect(lines.join('\n')).not.toContain('seatdesk-demo');
  }, 120_000);

  it('fails with the child’s last words when it exits before it is ready', async () => {
    const dying: ForkService = () =>
      spawn(process.execPath, ['-e', 'console.error("cannot open the data folder"); process.exit(3)'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await expect(startEmbeddedService({ modulePath: 'unused', dataDir: '/nowhere', fork: dying })).rejects.toThrow(
      /exited \(code 3\) before it was ready\. Last output:\s+cannot open the data folder/,
    );
  });

  it('gives up and stops the child when it never becomes ready', async () => {
    let killed = false;
    const silent: ForkService = () => {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const kill = child.kill.bind(child);
      return Object.assign(child, { kill: () => ((killed = true), kill()) });
    };
    await expect(startEmbeddedService({ modulePath: 'unused', dataDir: '/nowhere', fork: silent, readyTimeoutMs: 200 })).rejects.toThrow(
      'did not start in time',
    );
    expect(killed).toBe(true);
  });
});
