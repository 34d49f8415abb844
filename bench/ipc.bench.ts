import { ipcContract } from '@shared/ipc/channels';
import { createHandlers } from '../electron/core/app/handlers';
import { createDispatcher } from '../electron/core/ipc/dispatcher';
import { latency, type BenchResult } from './harness';

/** The dispatcher's own overhead (parse, route, wrap) must be negligible next to any real query. */
export async function ipcBenches(): Promise<BenchResult[]> {
  const dispatcher = createDispatcher(ipcContract, createHandlers(), {
    appInfo: { name: 'Seatdesk', version: '0.0.0', host: 'test' },
    defaultServiceUrl: null,
  });
  return [
    await latency({
      name: 'IPC dispatch (app.version, in-process)',
      p50TargetMs: 0.05,
      iterations: 20_000,
      run: () => dispatcher.dispatch('app.version', undefined),
    }),
  ];
}
