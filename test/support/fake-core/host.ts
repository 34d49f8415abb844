import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'vite';
import react from '@vitejs/plugin-react';
import { channelNames } from '@shared/ipc/contract';
import { ipcContract } from '@shared/ipc/channels';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/server';
import { createDispatcher } from '../../../electron/core/ipc/dispatcher';
import { createFakeCore, type FakeCore, type FakeCoreOptions } from './fake-core';

/**
 * The real browser host (electron/browser-host/server.ts) and dispatcher over the fake core's
 * handlers: the renderer talks to it exactly as it talks to the real core.
 */

const ROOT = resolve(import.meta.dirname, '../../..');
/** Separate from out/renderer so a development build never disturbs the lead's e2e build. */
export const FAKE_RENDERER_DIR = resolve(ROOT, 'out/renderer-dev');

/** Builds the renderer with the same settings as electron.vite.config.ts's renderer section. */
export async function buildRenderer(outDir = FAKE_RENDERER_DIR): Promise<void> {
  await build({
    root: resolve(ROOT, 'renderer'),
    configFile: false,
    logLevel: 'warn',
    base: './',
    resolve: { alias: { '@shared': resolve(ROOT, 'shared') } },
    plugins: [react()],
    build: { outDir, emptyOutDir: true, rollupOptions: { input: resolve(ROOT, 'renderer/index.html') } },
  });
}

export interface FakeHost {
  host: BrowserHost;
  core: FakeCore;
  launchUrl: string;
  close(): Promise<void>;
}

export async function startFakeHost(options: FakeCoreOptions & { port?: number; rendererDir?: string; build?: boolean } = {}): Promise<FakeHost> {
  const rendererDir = options.rendererDir ?? FAKE_RENDERER_DIR;
  if (options.build === true || !existsSync(resolve(rendererDir, 'index.html'))) await buildRenderer(rendererDir);
  const core = createFakeCore(options);
  const dispatcher = createDispatcher(ipcContract, core.handlers, { appInfo: { name: 'Seatdesk', version: '0.1.0', host: 'browser-host' } });
  const host = await startBrowserHost({ rendererDir, dispatcher, channelNames: channelNames(ipcContract), ...(options.port === undefined ? {} : { port: options.port }) });
  const unsubscribe = core.subscribe((event) => host.broadcast(event));
  return {
    host,
    core,
    launchUrl: host.launchUrl,
    async close() {
      unsubscribe();
      await host.close();
    },
  };
}
