import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const running: ChildProcess[] = [];

/** Starts `npm run service -- ...` the way a person would (without npm's own wrapper). */
async function startCli(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'service/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^Seatdesk billing service listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match?.[1]) resolveUrl(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`service exited with ${code}: ${stderr}`)));
  });
  return { child, url };
}

async function stop(child: ChildProcess): Promise<number | null> {
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

async function signIn(url: string, email: string, password = 'seatdesk-demo') {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { status: response.status, body: (await response.json()) as { accessToken: string; user: { orgId: string; id: string; version: number; firstName: string } } };
}

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm run service', () => {
  it('prints one line once it accepts requests, and exits 0 on SIGTERM', async () => {
    const { child, url } = await startCli(['--port', '0', '--data', 'memory', '--seed', 'demo']);
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ ok: true, database: 'pglite' });
    expect((await signIn(url, 'owner@northwind.example')).status).toBe(200);
    expect(await stop(child)).toBe(0);
  });

  it('keeps changes in a data directory across a restart and does not seed over them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seatdesk-service-'));
    const first = await startCli(['--data', dir, '--seed', 'demo']);
    const session = await signIn(first.url, 'owner@northwind.example');
    const { orgId, id, version } = session.body.user;
    const renamed = await fetch(`${first.url}/v1/orgs/${orgId}/users/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.body.accessToken}` },
      body: JSON.stringify({ version, firstName: 'Renamed' }),
    });
    expect(renamed.status).toBe(200);
    expect(await stop(first.child)).toBe(0);

    const second = await startCli(['--data', dir, '--seed', 'demo']);
    const again = await signIn(second.url, 'owner@northwind.example');
    expect(again.body.user.firstName).toBe('Renamed');
    expect(await stop(second.child)).toBe(0);
  });

  it('refuses bad options with one clear sentence and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'service/main.ts', '--port', 'ninety'], {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr).toMatch(/^Seatdesk billing service: --port: /);
  });
});
