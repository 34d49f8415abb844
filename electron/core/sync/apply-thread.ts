import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SeatdeskError, type ErrorCode } from '@shared/errors';
import type { PullResponse } from '@shared/sync/protocol';
import type { CacheDatabase } from '../db/open';
import type { ApplyPageOptions, ApplyResult, SyncLog } from './apply';

/** A page for the thread: applyPullPage's options, the clock as a string. */
export interface ApplyRequest {
  id: number;
  page: PullResponse;
  options: Omit<ApplyPageOptions, 'now' | 'log' | 'ownTransaction'> & { now: string };
}

/** An undecoded bootstrap page: the thread decodes, parses and checks it, answers its summary, then applies it. */
export interface BytesRequest {
  id: number;
  /** The page's JSON body, UTF-8 (transferred: the caller's copy is detached). */
  body: Uint8Array;
  /** Applied only under this schema version (the summary tells the caller it changed). */
  schemaVersion: number;
  /** Bootstrap rows done before this page. */
  before: number;
  now: string;
}

/** What the caller needs of a page before it is applied: where the next one starts, and how many are left. */
export interface PageSummary {
  schemaVersion: number;
  cursor: number;
  hasMore: boolean;
  count: number;
  remaining: number | undefined;
}

/** flush: commit what is open. close: commit and close the connection (the thread is stopped next). */
export interface ControlRequest {
  id: number;
  control: 'flush' | 'close';
}

export type ApplyReply =
  | { id: number; result: ApplyResult | null }
  | { id: number; summary: PageSummary }
  | { id: number; error: string; code?: ErrorCode; details?: unknown }
  | { id: number; log: { level: Parameters<SyncLog>[0]; message: string; details?: unknown } };

/** The thread could not start or died: the caller applies on its own thread instead. */
export class ApplyThreadUnavailable extends Error {
  constructor(cause: unknown) {
    super(`The bootstrap writer thread is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ApplyThreadUnavailable';
  }
}

export interface ApplyThread {
  /** Applies a page on the writer thread (see apply-worker.ts for when it commits). */
  apply(page: PullResponse, options: ApplyRequest['options']): Promise<ApplyResult>;
  /** Hands over an undecoded bootstrap page (see BytesRequest); result null: not applied (another schema version). */
  applyBytes(body: Uint8Array, page: Omit<BytesRequest, 'id' | 'body'>): { summary: Promise<PageSummary>; result: Promise<ApplyResult | null> };
  /** Commits what the thread holds, before this thread writes. */
  flush(): Promise<void>;
  /** Commits what the thread holds and stops it. */
  stop(): Promise<void>;
}

/** The bytes as a view of a whole buffer of their own, so that transferring it moves nothing else. */
function ownBytes(bytes: Uint8Array<ArrayBufferLike>): Uint8Array<ArrayBuffer> {
  const { buffer } = bytes;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) return new Uint8Array(buffer);
  return new Uint8Array(bytes);
}

function startWorker(file: string): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./apply-worker.js', import.meta.url), { workerData: { file } });
  // From the TypeScript sources: tsx's require hook (synchronous, in that thread), then the worker through it.
  const source = `require(${JSON.stringify(createRequire(import.meta.url).resolve('tsx/cjs'))});
    require(${JSON.stringify(fileURLToPath(new URL('./apply-worker.ts', import.meta.url)))});`;
  const env = { ...process.env, TSX_TSCONFIG_PATH: process.env['TSX_TSCONFIG_PATH'] ?? 'tsconfig.node.json' };
  return new Worker(source, { eval: true, workerData: { file }, env });
}

/**
 * A worker thread that writes bootstrap pages into the cache through its own connection, so the
 * main thread (the app's event loop) never waits on those writes; on the main thread, a bootstrap
 * had to be cut into ~15 ms slices and still stalled on commits. The messages are this module's
 * own types: the page was parsed with the protocol's schemas when it arrived, and the worker runs
 * the same applyPullPage.
 *
 * In the built app the worker is the apply-worker.js electron-vite emits beside the main bundle.
 */
export function startApplyThread(db: CacheDatabase, log: SyncLog): ApplyThread {
  const worker = startWorker(db.name);
  worker.unref();
  interface Waiting {
    resolve: (result: ApplyResult | null) => void;
    reject: (error: Error) => void;
    summary?: { resolve: (summary: PageSummary) => void; reject: (error: Error) => void };
  }
  const pending = new Map<number, Waiting>();
  let broken: Error | null = null;
  let nextId = 1;

  const fail = (error: Error) => {
    broken ??= error;
    for (const waiting of pending.values()) {
      waiting.summary?.reject(broken);
      waiting.reject(broken);
    }
    pending.clear();
  };
  worker.on('error', (error) => fail(new ApplyThreadUnavailable(error)));
  worker.on('exit', (code) => fail(new ApplyThreadUnavailable(`it exited (${code})`)));
  worker.on('message', (reply: ApplyReply) => {
    if ('log' in reply) {
      log(reply.log.level, reply.log.message, reply.log.details);
      return;
    }
    const waiting = pending.get(reply.id);
    if ('summary' in reply) {
      waiting?.summary?.resolve(reply.summary);
      return;
    }
    pending.delete(reply.id);
    if ('result' in reply) {
      waiting?.resolve(reply.result);
      return;
    }
    const error = reply.code === undefined ? new Error(reply.error) : new SeatdeskError(reply.code, reply.error, reply.details);
    waiting?.summary?.reject(error);
    waiting?.reject(error);
  });

  function send(message: Omit<ApplyRequest, 'id'> | Omit<ControlRequest, 'id'> | Omit<BytesRequest, 'id'>, summary?: Waiting['summary']): Promise<ApplyResult | null> {
    if (broken !== null) {
      summary?.reject(broken);
      return Promise.reject(broken);
    }
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, ...(summary === undefined ? {} : { summary }) });
      // A page's bytes are moved, not copied (a view into a shared pool is copied out first).
      const body = 'body' in message ? ownBytes(message.body) : null;
      worker.postMessage({ id, ...message, ...(body === null ? {} : { body }) }, body === null ? [] : [body.buffer]);
    });
  }

  return {
    async apply(page, options) {
      const result = await send({ page, options });
      if (result === null) throw new Error('The writer thread answered a page without its result.');
      return result;
    },
    applyBytes(body, page) {
      let summaryWaiting: Waiting['summary'];
      const summary = new Promise<PageSummary>((resolve, reject) => (summaryWaiting = { resolve, reject }));
      const result = send({ body, ...page }, summaryWaiting);
      summary.catch(() => undefined);
      result.catch(() => undefined);
      return { summary, result };
    },
    async flush() {
      if (broken === null) await send({ control: 'flush' });
    },
    async stop() {
      if (broken === null) await send({ control: 'close' }).catch(() => undefined);
      broken ??= new ApplyThreadUnavailable('it was stopped');
      await worker.terminate();
    },
  };
}
