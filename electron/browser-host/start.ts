/**
 * `npm run start:browser`: the browser host (index.ts), inside a D-Bus session with an unlocked
 * keyring of its own where this Linux machine has none (keychain-session.ts), so that signing in
 * works on a fresh headless machine too. Elsewhere it is index.ts as it is.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { planKeychainSession, runInKeychainSession, thisMachine } from './keychain-session';

const plan = planKeychainSession(thisMachine);
if (plan.kind !== 'start') {
  if (plan.kind === 'unavailable') console.error(plan.message);
  await import('./index');
} else {
  // The same Node, with the same loader flags (tsx) and arguments, one session further in.
  const command = [process.execPath, ...process.execArgv, join(import.meta.dirname, 'index.ts'), ...process.argv.slice(2)];
  const { child, keyringDir } = runInKeychainSession(command);
  console.log(
    'Seatdesk browser host: this machine has no D-Bus session, which the keychain (Secret Service) needs for signing in. ' +
      `Started one for this run: dbus-run-session with gnome-keyring unlocked, its keyring in ${keyringDir} ` +
      '(new each run and removed on exit, so sign-ins are not kept across runs; development only).',
  );
  // Ctrl-C reaches the whole process group; a SIGTERM sent to this process alone is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.once('exit', (code, signal) => {
    rmSync(keyringDir, { recursive: true, force: true });
    if (code === 70) console.error('Seatdesk browser host: gnome-keyring-daemon could not unlock the keyring it created.');
    process.exit(code ?? (signal === null ? 1 : 128));
  });
}
