import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CacheDatabase } from './open';

export interface WalCheckpointer {
  /** Runs a checkpoint now (after the one in progress, if any) and resolves when it is done. */
  checkpoint(): Promise<void>;
  /** Stops the worker; the database is left to checkpoint on its own again. */
  stop(): Promise<void>;
}

/**
 * The worker: its own connection to the cache, a PASSIVE checkpoint per message (never blocks the
 * writer). It says when it has opened the database and closes itself on 'stop': terminating a
 * thread while it is still loading the native driver aborts the whole process.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
parentPort.postMessage('ready');
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next round does it */ }
  parentPort.postMessage('done');
});
`;

/**
 * Moves the cache's WAL checkpoints off the main thread. SQLite checkpoints inside the commit that
 * crosses 1,000 log pages, copying them back into the database and syncing it: during a bootstrap
 * that stalled the event loop for 200 ms and more. Here the main connection never checkpoints and a
 * worker thread runs a PASSIVE checkpoint every `intervalMs`. If the worker cannot run, the database
 * checkpoints on its own as before.
 */
export function startWalCheckpointer(db: CacheDatabase, options: { intervalMs?: number; log?: (message: string, error: unknown) => void } = {}): WalCheckpointer {
  if (db.memory) return { checkpoint: () => Promise.resolve(), stop: () => Promise.resolve() };
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: db.name } });
  let stopped = false;
  const fallBack = (error: unknown) => {
    if (!stopped && db.open) db.pragma('wal_autocheckpoint = 1000');
    options.log?.('The background checkpoint of the offline cache stopped; SQLite checkpoints on its own again.', error);
  };
  worker.on('error', fallBack);
  worker.unref();
  db.pragma('wal_autocheckpoint = 0');
  // Settles once the worker has the database open, or has ended (an error ends it too).
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let markReady: () => void = () => undefined;
  const ready = Promise.race([new Promise<void>((resolve) => (markReady = resolve)), exited]);

  // One checkpoint at a time; callers waiting for "the next one" share it.
  let running: Promise<void> | null = null;
  let waiting: (() => void)[] = [];
  worker.on('message', (message: unknown) => {
    if (message === 'ready') return markReady();
    const done = waiting;
    waiting = [];
    running = null;
    for (const resolve of done) resolve();
  });
  const checkpoint = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running !== null) return running.then(checkpoint);
    running = new Promise<void>((resolve) => waiting.push(resolve));
    worker.postMessage('checkpoint');
    return running;
  };
  const timer = setInterval(() => {
    if (running === null) void checkpoint();
  }, options.intervalMs ?? 500);
  timer.unref();
  return {
    checkpoint,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      worker.off('error', fallBack);
      worker.on('error', () => undefined);
      await ready;
      worker.postMessage('stop');
      // A checkpoint in progress finishes first; a worker that does not end is terminated.
      const late = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(late);
      for (const resolve of waiting) resolve();
      waiting = [];
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    },
  };
}
