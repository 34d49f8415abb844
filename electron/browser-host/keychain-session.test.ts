import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planKeychainSession, runInKeychainSession, thisMachine, type Machine } from './keychain-session';


function machine(env: NodeJS.ProcessEnv, files: string[] = ['/usr/bin/dbus-run-session', '/usr/bin/gnome-keyring-daemon']): Machine {
  return { platform: 'linux', env: { PATH: '/usr/local/bin:/usr/bin', ...env }, exists: (path) => files.includes(path) };
}

describe('planKeychainSession', () => {
  it('uses the session there is: the variable, systemd’s user bus, or a display to autolaunch one', () => {
    expect(planKeychainSession(machine({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' }))).toEqual({ kind: 'ready' });
    expect(planKeychainSession({ ...machine({ XDG_RUNTIME_DIR: '/run/user/1000' }, ['/run/user/1000/bus']) })).toEqual({ kind: 'ready' });
    expect(planKeychainSession(machine({ DISPLAY: ':0' }))).toEqual({ kind: 'ready' });
    expect(planKeychainSession({ ...machine({}), platform: 'darwin' })).toEqual({ kind: 'ready' });
    expect(planKeychainSession({ ...machine({}), platform: 'win32' })).toEqual({ kind: 'ready' });
  });

  it('starts one on a headless Linux machine that has the tools', () => {
    expect(planKeychainSession(machine({ XDG_RUNTIME_DIR: '/run/user/1000', DBUS_SESSION_BUS_ADDRESS: '' }))).toEqual({ kind: 'start' });
  });

  it('says what is missing and how to install it when it cannot', () => {
    const plan = planKeychainSession(machine({}, ['/usr/bin/dbus-run-session']));
    expect(plan.kind).toBe('unavailable');
    expect(plan.kind === 'unavailable' && plan.message).toMatch(/no D-Bus session.*gnome-keyring-daemon is not installed.*sudo apt install dbus gnome-keyring/);
  });
});

// The real thing: a child with no session bus and no display gets one, with a keyring keytar can use.
describe.skipIf(process.platform !== 'linux' || planKeychainSession({ ...thisMachine, env: { PATH: process.env['PATH'] } }).kind !== 'start')(
  'runInKeychainSession (real dbus-run-session and gnome-keyring)',
  () => {
    it('gives a headless command a working keychain, and leaves no password in its environment', async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: mkdtempSync(join(tmpdir(), 'seatdesk-run-')) };
      delete env['DBUS_SESSION_BUS_ADDRESS'];
      delete env['DISPLAY'];
      const script = `
        const keytar = require('keytar');
        (async () => {
          await keytar.setPassword('Seatdesk-dev', 'account', 'refresh-token');
          const back = await keytar.getPassword('Seatdesk-dev', 'account');
          const leaked = Object.keys(process.env).filter((name) => name.startsWith('SEATDESK_DEV_KEYRING'));
          console.log(JSON.stringify({ back, leaked }));
        })().catch((error) => { console.log(JSON.stringify({ error: error.message })); process.exit(1); });`;
      const { child, keyringDir } = runInKeychainSession([process.execPath, '-e', script], { env, stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((done) => child.once('exit', done));
      try {
        expect(code, stderr).toBe(0);
        expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ back: 'refresh-token', leaked: [] });
        expect(existsSync(join(keyringDir, 'keyrings'))).toBe(true);
      } finally {
        rmSync(keyringDir, { recursive: true, force: true });
        rmSync(env['XDG_RUNTIME_DIR']!, { recursive: true, force: true });
      }
    }, 60_000);
  },
);

