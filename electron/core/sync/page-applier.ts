import { performance } from 'node:perf_hooks';
import type { PullResponse } from '@shared/sync/protocol';
import type { CacheDatabase } from '../db/open';
import { ApplyThreadUnavailable, startApplyThread, type ApplyThread } from './apply-thread';
import { applyPullPage, hasPending, type ApplyResult, type SyncLog } from './apply';
import type { SyncReport } from './report';

/**
 * Where pull pages are written. One interface, PageApplier, over the two ways: on the calling
 * thread in short transactions (sized so none stalls the event loop), or on the writer thread
 * (apply-thread.ts) for a large bootstrap or a bulk edit's echo. Either way each transaction is
 * reported once, by SyncReport.applied, with the bootstrap's progress counted the same way.
 */

/** A bootstrap page's place: rows done before it, and the bootstrap's total. */
export interface BootstrapSpan {
  before: number;
  total: number;
}

export interface PageApplier {
  /** Writes a page (a bootstrap's when `bootstrap` is given) and reports each transaction. */
  apply(page: PullResponse, bootstrap: BootstrapSpan | null): Promise<void>;
}

/** A bootstrap page as the bootstrap loop needs it, whether parsed here or on the writer thread. */
export interface BootstrapPage {
  schemaVersion: number;
  cursor: number;
  hasMore: boolean;
  count: number;
  remaining: number | undefined;
  /** Applies it (null: the page is not used; the thread's copy is dropped). */
  apply(bootstrap: BootstrapSpan | null): Promise<void>;
}

export interface PageAppliers {
  /** Writes a pull page where it belongs: the writer thread for a large bootstrap or echo, else here. */
  apply(page: PullResponse, bootstrap: BootstrapSpan | null): Promise<void>;
  /** A fetched bootstrap page: parsed already, or bytes for the writer thread to decode and check. */
  bootstrapPage(fetched: PullResponse | Uint8Array, before: number, schemaVersion: number | null): Promise<BootstrapPage>;
  /** Whether a bootstrap of `total` rows goes to the writer thread (its pages can then come undecoded). */
  wantsThread(total: number): boolean;
  /** Commits what the writer thread holds. */
  flush(): Promise<void>;
  /** After a run of syncs: a writer thread no sync uses for its idle time is stopped. */
  idle(): void;
  stop(): Promise<void>;
}

export interface PageApplierContext {
  db: CacheDatabase;
  log: SyncLog;
  now: () => Date;
  report: SyncReport;
  /** A transport or thread call that gives up when the engine stops. */
  call<T>(request: () => Promise<T>): Promise<T>;
  /** Between slices: lets the event loop run, throws once the engine stops. */
  pause(): Promise<void>;
  /** Whether a sync is running (an idle thread is stopped only between syncs). */
  busy(): boolean;
  stopped(): boolean;
  /** Rows per calling-thread transaction; unset: adapted so each takes about sliceMs. */
  chunkSize: number | undefined;
  sliceMs: number;
  /** A bootstrap of at least this many rows is written on the writer thread. */
  threadMinRows: number;
  threadIdleMs: number;
  /** Told the rows and the time of every apply transaction (the benchmark's apply time). */
  onApplied: ((rows: number, ms: number) => void) | undefined;
}

/** A pull page this large (outside a bootstrap) is written on the writer thread: a bulk edit's echo. */
const ECHO_MIN_ROWS = 250;

const bootstrapProgress = (bootstrap: BootstrapSpan | null, done: number) => (bootstrap === null ? null : { phase: 'bootstrap' as const, done, total: bootstrap.total });

/** On the calling thread: with nothing pending, in chunks each its own transaction; otherwise the page in one (the rebase sees it whole). */
class CallingThreadApplier implements PageApplier {
  private chunkSize: number;

  constructor(private readonly ctx: PageApplierContext) {
    this.chunkSize = ctx.chunkSize ?? 100;
  }

  /** Rows per transaction: fixed when asked, else adapted to the rows per ms the last one managed. */
  private adapt(rows: number, ms: number): void {
    this.ctx.onApplied?.(rows, ms);
    // A page's short last slice says little about the rate.
    if (this.ctx.chunkSize !== undefined || rows < Math.min(this.chunkSize, 100)) return;
    const fitting = Math.floor((rows * this.ctx.sliceMs) / Math.max(ms, 0.1));
    this.chunkSize = Math.max(25, Math.min(2_000, Math.round((this.chunkSize + fitting) / 2)));
  }

  async apply(page: PullResponse, bootstrap: BootstrapSpan | null): Promise<void> {
    const { db, log } = this.ctx;
    const complete = !page.hasMore;
    const chunked = !hasPending(db);
    let done = bootstrap?.before ?? 0;
    for (let start = 0; ; ) {
      const size = chunked ? this.chunkSize : page.changes.length;
      const changes = page.changes.slice(start, start + size);
      start += size;
      const last = start >= page.changes.length;
      const chunk = last ? { ...page, changes } : { ...page, changes, cursor: changes.at(-1)!.seq, hasMore: true, outcomes: [] };
      done += changes.length;
      const began = performance.now();
      const result = applyPullPage(db, chunk, {
        now: this.ctx.now(),
        log,
        settle: last,
        ...(bootstrap !== null ? { rebase: last && complete ? 'force' : 'defer', bootstrap: { done, total: bootstrap.total, complete: last && complete } } : {}),
      });
      this.adapt(changes.length, performance.now() - began);
      this.ctx.report.applied(result, bootstrapProgress(bootstrap, done));
      if (last) return;
      await this.ctx.pause();
    }
  }
}

/** The writer thread's life: started with the first large page, stopped when idle, given up when it fails. */
class WriterThread {
  private thread: ApplyThread | null = null;
  private failed = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private stopping: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: PageApplierContext) {}

  get usable(): boolean {
    return !this.failed && !this.ctx.db.memory;
  }

  /** The thread, started if none runs. */
  get(): ApplyThread {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    return (this.thread ??= startApplyThread(this.ctx.db, this.ctx.log));
  }

  /** Pages the thread had not committed are gone with it: the caller goes back to the saved cursor. */
  fail(error: unknown): never {
    if (error instanceof ApplyThreadUnavailable) {
      this.failed = true;
      this.thread = null;
    }
    throw error;
  }

  async flush(): Promise<void> {
    await this.thread?.flush();
  }

  idle(): void {
    if (this.thread === null || this.ctx.stopped()) return;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.ctx.busy() || this.thread === null) return;
      const idle = this.thread;
      this.thread = null;
      this.stopping = idle.stop().then(
        () => this.ctx.log('info', `The idle writer thread was stopped (unused for ${this.ctx.threadIdleMs} ms).`),
        () => undefined,
      );
    }, this.ctx.threadIdleMs);
    this.idleTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    await this.stopping;
    await this.thread?.stop();
  }
}

/** On the writer thread: the page in one message; a bootstrap's pages share its transactions (apply-worker.ts). */
class WriterThreadApplier implements PageApplier {
  constructor(
    private readonly ctx: PageApplierContext,
    private readonly writer: WriterThread,
  ) {}

  async apply(page: PullResponse, bootstrap: BootstrapSpan | null): Promise<void> {
    const thread = this.writer.get();
    const complete = !page.hasMore;
    const done = (bootstrap?.before ?? 0) + page.changes.length;
    const began = performance.now();
    const result = await this.ctx
      .call(() =>
        thread.apply(page, {
          now: this.ctx.now().toISOString(),
          ...(bootstrap === null ? {} : { rebase: complete ? 'force' : 'defer', bootstrap: { done, total: bootstrap.total, complete } }),
        }),
      )
      .catch((error: unknown) => this.writer.fail(error));
    this.reported(result, page.changes.length, began, bootstrapProgress(bootstrap, done));
  }

  /** An undecoded bootstrap page: the thread decodes and checks it, answers its summary, then applies it. */
  async fromBytes(body: Uint8Array, before: number, schemaVersion: number): Promise<BootstrapPage> {
    const handle = this.writer.get().applyBytes(body, { schemaVersion, before, now: this.ctx.now().toISOString() });
    const summary = await this.ctx.call(() => handle.summary).catch((error: unknown) => this.writer.fail(error));
    // Parsed and checked by now: what follows is the apply.
    const began = performance.now();
    return {
      ...summary,
      apply: async (bootstrap) => {
        const result = await this.ctx.call(() => handle.result).catch((error: unknown) => this.writer.fail(error));
        if (bootstrap === null) return;
        if (result === null) throw new Error('The writer thread left a page of the bootstrap unapplied.');
        this.reported(result, summary.count, began, bootstrapProgress(bootstrap, bootstrap.before + summary.count));
      },
    };
  }

  private reported(result: ApplyResult, rows: number, began: number, progress: ReturnType<typeof bootstrapProgress>): void {
    this.ctx.onApplied?.(rows, performance.now() - began);
    this.ctx.report.applied(result, progress);
  }
}

export function createPageAppliers(ctx: PageApplierContext): PageAppliers {
  const writer = new WriterThread(ctx);
  const here = new CallingThreadApplier(ctx);
  const there = new WriterThreadApplier(ctx, writer);
  const wantsThread = (total: number) => writer.usable && total >= ctx.threadMinRows;

  const apply = (page: PullResponse, bootstrap: BootstrapSpan | null): Promise<void> => {
    // A bootstrap with changes pending is one transaction here (the rebase must see the page whole).
    if (bootstrap === null || !hasPending(ctx.db)) {
      const large = bootstrap !== null ? wantsThread(bootstrap.total) : writer.usable && page.changes.length >= Math.min(ctx.threadMinRows, ECHO_MIN_ROWS);
      if (large) return there.apply(page, bootstrap);
    }
    return here.apply(page, bootstrap);
  };

  return {
    apply,
    async bootstrapPage(fetched, before, schemaVersion) {
      if (!(fetched instanceof Uint8Array)) {
        return {
          schemaVersion: fetched.schemaVersion,
          cursor: fetched.cursor,
          hasMore: fetched.hasMore,
          remaining: fetched.remaining,
          count: fetched.changes.length,
          apply: (bootstrap) => (bootstrap === null ? Promise.resolve() : apply(fetched, bootstrap)),
        };
      }
      // Undecoded pages are asked for only once the first page has set the version.
      if (schemaVersion === null) throw new Error('An undecoded bootstrap page came before the schema version was known.');
      return there.fromBytes(fetched, before, schemaVersion);
    },
    wantsThread,
    flush: () => writer.flush(),
    idle: () => writer.idle(),
    stop: () => writer.stop(),
  };
}
