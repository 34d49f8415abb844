import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * On Linux the keychain (Secret Service) is reached over a D-Bus session bus, which a headless
 * machine or an SSH login does not have: signing in then fails. For the development host only,
 * `npm run start:browser` starts its own session bus with a fresh gnome-keyring unlocked, and says
 * so. The Electron app never does this: a desktop user has a session, and their keyring is theirs.
 */
export type KeychainSessionPlan =
  | { kind: 'ready' }
  | { kind: 'start' }
  | { kind: 'unavailable'; message: string };

export interface Machine {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  exists(path: string): boolean;
}

export const thisMachine: Machine = { platform: process.platform, env: process.env, exists: existsSync };

const TOOLS = ['dbus-run-session', 'gnome-keyring-daemon'] as const;

function onPath(machine: Machine, tool: string): boolean {
  return (machine.env['PATH'] ?? '').split(delimiter).some((dir) => dir !== '' && machine.exists(join(dir, tool)));
}

/** Whether a session bus is reachable, and if not, whether one can be started here. */
export function planKeychainSession(machine: Machine): KeychainSessionPlan {
  if (machine.platform !== 'linux') return { kind: 'ready' };
  const { env } = machine;
  if ((env['DBUS_SESSION_BUS_ADDRESS'] ?? '') !== '') return { kind: 'ready' };
  // systemd's per-user bus, which libsecret finds without the variable.
  const runtime = env['XDG_RUNTIME_DIR'] ?? '';
  if (runtime !== '' && machine.exists(join(runtime, 'bus'))) return { kind: 'ready' };
  // A desktop session without the variable: D-Bus autolaunches over X11.
  if ((env['DISPLAY'] ?? '') !== '') return { kind: 'ready' };
  const missing = TOOLS.filter((tool) => !onPath(machine, tool));
  if (missing.length === 0) return { kind: 'start' };
  return {
    kind: 'unavailable',
    message:
      `Seatdesk browser host: there is no D-Bus session here, so signing in cannot save its session in the keychain (Secret Service), ` +
      `and ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed to start one. ` +
      'Install them (Debian/Ubuntu: `sudo apt install dbus gnome-keyring`) and run `npm run start:browser` again.',
  };
}

/**
 * Unlocks (creating it) a login keyring in the folder the parent chose, then becomes the command.
 * The password arrives on file descriptor 3, so it is in no environment and no command line.
 */
const UNLOCK_THEN_RUN = [
  'XDG_DATA_HOME="$SEATDESK_DEV_KEYRING_DIR" gnome-keyring-daemon --unlock --components=secrets <&3 >/dev/null || exit 70',
  'exec 3<&-',
  'unset SEATDESK_DEV_KEYRING_DIR',
  'exec "$@"',
].join('\n');

export interface KeychainSession {
  child: ChildProcess;
  /** A folder of its own for this run's keyring (0700); the caller removes it after the child exits. */
  keyringDir: string;
}

/** Runs `command` inside a new D-Bus session with a fresh gnome-keyring, unlocked with a random password. */
export function runInKeychainSession(command: readonly string[], options: { env?: NodeJS.ProcessEnv; stdio?: 'inherit' | 'pipe' } = {}): KeychainSession {
  const keyringDir = mkdtempSync(join(tmpdir(), 'seatdesk-dev-keyring-'));
  const stdio = options.stdio ?? 'inherit';
  const child = spawn('dbus-run-session', ['--', 'sh', '-c', UNLOCK_THEN_RUN, 'sh', ...command], {
    env: { ...(options.env ?? process.env), SEATDESK_DEV_KEYRING_DIR: keyringDir },
    stdio: [stdio === 'inherit' ? 'inherit' : 'ignore', stdio, stdio, 'pipe'],
  });
  const password = child.stdio[3];
  if (password !== null && password !== undefined && 'end' in password) password.end(randomBytes(24).toString('hex'));
  return { child, keyringDir };
}
