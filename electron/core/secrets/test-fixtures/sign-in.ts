/**
 * A child process for keychain-problems.test.ts: signs in to the real billing service the test
 * started (SERVICE_URL) through the real core and its real keychain (keytar), in whatever D-Bus
 * environment the test gave it, and prints the dispatcher's answer as one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../core';
import { keytarSecretStore } from '../secret-store';

const serviceUrl = process.env['SERVICE_URL'];
if (serviceUrl === undefined) throw new Error('SERVICE_URL is not set');
const dataDir = mkdtempSync(join(tmpdir(), 'seatdesk-keychain-'));
const core = await createCore({
  dataDir,
  defaultServiceUrl: serviceUrl,
  appInfo: { name: 'Seatdesk', version: '0.0.0-test', host: 'test' },
  secretStore: keytarSecretStore(`Seatdesk-test-${process.pid}`),
  log: () => {},
});
const result = await core.dispatcher.dispatch('session.signIn', { serviceUrl, email: 'owner@northwind.example', password: 'seatdesk-demo' });
if ((result as { ok: boolean }).ok) await core.dispatcher.dispatch('session.signOut', undefined);
console.log(JSON.stringify(result));
await core.close();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
