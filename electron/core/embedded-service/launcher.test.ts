import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedServiceArgs, embeddedServiceEnv } from './environment';
import { forkUnderNode, parseListeningLine, startEmbeddedService, type ForkService } from './launcher';

const ROOT = resolve(import.meta.dirname, '../../..');
const SERVICE_SOURCE = join(ROOT, 'service/main.ts');

/** Runs the real service/main.ts under Node, as utilityProcess.fork runs its bundle in the app. */
const forkServiceSource: ForkService = (modulePath, args, env) =>
  spawn(process.execPath, ['--import', 'tsx', modulePath, ...args], {
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
      SEATDESK_TOKEN_SECRET: 'y'.repeat(40),
      NODE_OPTIONS: '--require /tmp/evil.js',
      NODE_PATH: '/tmp/modules',
      NODE_EXTRA_CA_CERTS: '/tmp/ca.pem',
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
      ELECTRON_RUN_AS_NODE: '1',
      PGHOST: 'db.example',
      PGPASSWORD: 'secret',
      LD_PRELOAD: '/tmp/evil.so',
      HTTPS_PROXY: 'http://proxy.example',
      LOG_LEVEL: 'trace',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/a', LOG_LEVEL: 'warn' });
  });

  it('passes what Node needs on Windows and the locale, in the spelling the parent used', () => {
    const env = embeddedServiceEnv({ Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', TEMP: 'C:\\Temp', LANG: 'de_DE.UTF-8', LC_TIME: 'en_GB.UTF-8', TZ: 'UTC' });
    expect(env).toEqual({ Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', TEMP: 'C:\\Temp', LANG: 'de_DE.UTF-8', LC_TIME: 'en_GB.UTF-8', TZ: 'UTC', LOG_LEVEL: 'warn' });
  });
});

// The browser host runs the bundle under Node (forkUnderNode); the Electron shell forks it as a
// utility process. Both start here, so a developer's shell cannot redirect either (issue 12: the
// browser host's own copy passed the whole environment, and the service prefers DATABASE_URL).
describe('the bundled service, started as the browser host starts it, from a shell full of settings', () => {
  const OPERATOR = 'operator-token-from-the-shell-0123456789';
  let bundleDir: string;
  let bundle: string;
  const saved = { ...process.env };

  beforeAll(() => {
    // The real bundle, built by the script `npm run start:browser` runs; under the repository so that
    // its external packages resolve from node_modules.
    bundleDir = mkdtempSync(join(ROOT, 'node_modules', '.seatdesk-test-service-'));
    bundle = join(bundleDir, 'index.mjs');
    execFileSync(process.execPath, ['scripts/build-service.mjs', '--outfile', bundle], { cwd: ROOT, stdio: 'ignore' });
    process.env['DATABASE_URL'] = 'postgres://nowhere.invalid/x';
    process.env['SEATDESK_OPERATOR_TOKEN'] = OPERATOR;
    process.env['SMTP_URL'] = 'smtp://nowhere.invalid';
    process.env['NODE_OPTIONS'] = '--require /nowhere/evil.cjs';
  }, 120_000);

  afterAll(() => {
    process.env = saved;
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it('starts on its own data, answers /healthz, and has no operator routes', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'seatdesk-embedded-')), 'service');
    const service = await startEmbeddedService({ modulePath: bundle, dataDir, fork: forkUnderNode });
    try {
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
      // Its demo data, in its own folder (PGlite), not in the database DATABASE_URL names.
      const login = await fetch(`${service.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'owner@northwind.example', password: 'seatdesk-demo' }),
      });
      expect(login.status).toBe(200);
      expect(existsSync(dataDir) && readdirSync(dataDir).length > 0).toBe(true);
      const operator = await fetch(`${service.url}/v1/operator/mail`, { headers: { authorization: `Bearer ${OPERATOR}` } });
      expect(operator.status).toBe(404);
    } finally {
      await service.stop();
    }
    expect(await service.exited).toBe(0);
  }, 120_000);
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
    const first = await startEmbeddedService({ modulePath: SERVICE_SOURCE, dataDir, fork: forkServiceSource, log: (l) => lines.push(l) });
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

    const second = await startEmbeddedService({ modulePath: SERVICE_SOURCE, dataDir, fork: forkServiceSource });
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
    await expect(startEmbeddedService({ modulePath: SERVICE_SOURCE, dataDir: '/nowhere', fork: dying })).rejects.toThrow(
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
    await expect(startEmbeddedService({ modulePath: SERVICE_SOURCE, dataDir: '/nowhere', fork: silent, readyTimeoutMs: 200 })).rejects.toThrow(
      'did not start in time',
    );
    expect(killed).toBe(true);
  });

  it('kills a service that ignores SIGTERM once its time to stop is up', async () => {
    const stubborn: ForkService = () =>
      spawn(
        process.execPath,
        ['-e', 'process.on("SIGTERM", () => {}); console.log("Seatdesk billing service listening on http://127.0.0.1:1"); setInterval(() => {}, 1000)'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
    const lines: string[] = [];
    const service = await startEmbeddedService({ modulePath: SERVICE_SOURCE, dataDir: '/nowhere', fork: stubborn, stopTimeoutMs: 300, log: (l) => lines.push(l) });
    await service.stop();
    expect(await service.exited).toBeNull();
    expect(lines).toContain('billing service: did not stop in time; killed');
  });

  it('says the service is not built when its bundle is missing, and starts nothing', async () => {
    let forked = false;
    const fork: ForkService = (modulePath, args, env) => ((forked = true), forkUnderNode(modulePath, args, env));
    await expect(startEmbeddedService({ modulePath: join(ROOT, 'out/no-such-service/index.mjs'), dataDir: '/nowhere', fork })).rejects.toThrow(
      /The billing service is not built \(.*no-such-service\/index\.mjs is missing\)\. Run `npm run build` first\./,
    );
    expect(forked).toBe(false);
  });
});
