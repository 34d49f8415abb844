import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { channelNames } from '@shared/ipc/contract';
import { ipcContract } from '@shared/ipc/channels';
import { createCore } from '../core/core';
import { ensurePrivateFolder } from '../core/db/private-files';
import { forkUnderNode, startEmbeddedService, type EmbeddedService } from '../core/embedded-service/launcher';
import { startBrowserHost } from './server';

const argsSchema = z.object({
  service: z.url({ protocol: /^https?$/ }).optional(),
  data: z.string().min(1).optional(),
  port: z.coerce.number().int().min(0).max(65535).default(0),
});

const { values } = parseArgs({
  options: { service: { type: 'string' }, data: { type: 'string' }, port: { type: 'string' } },
  strict: true,
});
const parsed = argsSchema.safeParse(values);
if (!parsed.success) {
  console.error(`Seatdesk browser host: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}

const rendererDir = resolve(import.meta.dirname, '../../out/renderer');
if (!existsSync(resolve(rendererDir, 'index.html'))) {
  console.error('Seatdesk browser host: the renderer is not built. Run `npm run build` first.');
  process.exit(1);
}

const { version } = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')));
// Its own data folder: a temporary one (removed on exit) unless --data names one to keep.
const temporary = parsed.data.data === undefined;
const dataDir = resolve(parsed.data.data ?? mkdtempSync(join(tmpdir(), 'seatdesk-browser-host-')));
// Caches and demo data are the owner's only, as in the app (core/db/private-files.ts).
ensurePrivateFolder(dataDir);

let embedded: EmbeddedService | null = null;
if (parsed.data.service === undefined) {
  // The same launcher, arguments and environment rules as the Electron shell; only the fork differs.
  embedded = await startEmbeddedService({
    modulePath: resolve(import.meta.dirname, '../../out/service/index.mjs'),
    dataDir: join(dataDir, 'service'),
    fork: forkUnderNode,
    log: (line) => console.error(line),
  });
}
const core = await createCore({
  dataDir: join(dataDir, 'app'),
  defaultServiceUrl: parsed.data.service ?? embedded?.url ?? null,
  appInfo: { name: 'Seatdesk', version, host: 'browser-host' },
});
const host = await startBrowserHost({
  rendererDir,
  dispatcher: core.dispatcher,
  channelNames: channelNames(ipcContract),
  port: parsed.data.port,
});
const unsubscribe = core.events.subscribe((event) => host.broadcast(event));
console.log(`Seatdesk browser host: ${host.launchUrl}`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  unsubscribe();
  await host.close();
  await core.close();
  await embedded?.stop();
  if (temporary) rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
