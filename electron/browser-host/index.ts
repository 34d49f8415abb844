import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { channelNames } from '@shared/ipc/contract';
import { ipcContract } from '@shared/ipc/channels';
import { createDispatcher } from '../core/ipc/dispatcher';
import { createHandlers } from '../core/app/handlers';
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
const dispatcher = createDispatcher(ipcContract, createHandlers(), {
  appInfo: { name: 'Seatdesk', version, host: 'browser-host' },
  defaultServiceUrl: parsed.data.service ?? null,
});
const host = await startBrowserHost({
  rendererDir,
  dispatcher,
  channelNames: channelNames(ipcContract),
  port: parsed.data.port,
});
console.log(`Seatdesk browser host: ${host.launchUrl}`);

const stop = () => void host.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
