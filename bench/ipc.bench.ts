import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../electron/core/core';
import { latency, type BenchResult } from './harness';

/** The dispatcher's own overhead (parse, route, wrap) must be negligible next to any real query. */
export async function ipcBenches(): Promise<BenchResult[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'seatdesk-bench-ipc-'));
  const core = await createCore({ dataDir, defaultServiceUrl: null, appInfo: { name: 'Seatdesk', version: '0.0.0', host: 'test' } });
  try {
    return [
      await latency({
        name: 'IPC dispatch (app.version, in-process)',
        p50TargetMs: 0.05,
        iterations: 20_000,
        run: () => core.dispatcher.dispatch('app.version', undefined),
      }),
    ];
  } finally {
    await core.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
