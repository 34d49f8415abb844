import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IpcResult } from '@shared/ipc/contract';
import { startTestService, type TestService } from '../../../test/support/service';
import { keychainProblem } from './keychain-problems';

const ROOT = resolve(import.meta.dirname, '../../..');
const FIXTURE = join(import.meta.dirname, 'test-fixtures/sign-in.ts');
const scratch = mkdtempSync(join(tmpdir(), 'seatdesk-keychain-test-'));

let service: TestService | undefined;

afterAll(async () => {
  await service?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Signs in through the real core and keytar in a child, with no desktop session around it. */
async function signInHeadless(wrap: string[] = []): Promise<IpcResult<unknown>> {
  service ??= await startTestService();
  const env: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json', SERVICE_URL: service.url };
  // No session bus, no display to autolaunch one, no systemd user bus to fall back to, and (when a
  // bus is started) an empty keyring folder: a headless machine on which nobody has logged in.
  delete env['DBUS_SESSION_BUS_ADDRESS'];
  delete env['DISPLAY'];
  delete env['WAYLAND_DISPLAY'];
  env['XDG_RUNTIME_DIR'] = mkdtempSync(join(scratch, 'run-'));
  env['XDG_DATA_HOME'] = mkdtempSync(join(scratch, 'data-'));
  const command = [...wrap, process.execPath, '--import', 'tsx', FIXTURE];
  const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || line === undefined) throw new Error(`sign-in child exited ${code}: ${stderr.slice(-2000)}`);
  return JSON.parse(line) as IpcResult<unknown>;
}

describe.skipIf(process.platform !== 'linux')('signing in where the keychain cannot be used (Linux, headless)', () => {
  it('without a D-Bus session: says that it is missing and how to start one', async () => {
    const result = await signInHeadless();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/no D-Bus session/);
    expect(result.error.message).toMatch(/dbus-run-session/);
    expect(result.error.message).toMatch(/gnome-keyring/);
  }, 120_000);

  it('with a D-Bus session but no unlocked keyring: says so, and how to unlock one', async () => {
    const result = await signInHeadless(['dbus-run-session', '--']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/locked|no default keyring/);
    expect(result.error.message).toMatch(/gnome-keyring-daemon --unlock/);
  }, 120_000);
});

describe('keychainProblem', () => {
  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', /no D-Bus session/],
    ['Could not connect: No such file or directory', /no D-Bus session/],
    ['The name org.freedesktop.secrets was not provided by any .service files', /No keychain service/],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', /locked/],
    ['Cannot create an item in a locked collection', /locked/],
  ])('explains %j on Linux', (message, expected) => {
    expect(keychainProblem(new Error(message), 'linux')).toMatch(expected);
  });

  it('leaves other errors, and other platforms, as they are', () => {
    expect(keychainProblem(new Error('disk full'), 'linux')).toBeNull();
    expect(keychainProblem(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'), 'darwin')).toBeNull();
    expect(keychainProblem('not an error', 'linux')).toBeNull();
  });
});
