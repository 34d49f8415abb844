import { createHash } from 'node:crypto';

/**
 * What a pull still has to send after a full page, for bootstrap progress, without reading the
 * rest of the history each time. Counting every row after the cursor cost a pull 13 ms of
 * PostgreSQL at 22,000 changes (more than the page itself), and a busy service answers many
 * pulls at cursors all over the history.
 *
 * The scope's rows are counted per bucket of seqs (`width` wide) and the counts of whole, closed
 * buckets are kept per scope: a pull then counts only the part of its cursor's bucket above the
 * cursor, any buckets not kept yet, and the rows after the kept ones. A bucket is closed once a
 * row of the scope with a higher seq is visible: within a scope seq order is commit order
 * (service/README.md, "Sequence order"), so no row can appear in it later. A row updated or
 * removed leaves its bucket (it takes a new seq, or a tombstone does), so a kept count can only
 * be long, by the rows changed since: the count is never short, a page that is not full answers
 * 0 anyway, and a client never stops early and at worst pulls one page more. Kept counts are
 * dropped after `maxAgeMs`, which bounds how long they grow. Memory: one number per bucket per
 * scope, at most `maxScopes` scopes. Seqs are shared by every tenant, so a scope's buckets span
 * the whole history: 10 million changes are 39,000 buckets, 156 KB a scope. Buckets are 256 seqs
 * wide: a count reads about one bucket's worth of rows (the rest of the cursor's, and the rows
 * past the last whole one), and with 1,024 that was 0.45 ms more of PostgreSQL per pull.
 *
 * A client paging on from its last answer (a bootstrap) needs not even its bucket: its count is
 * the last one less the page's rows, plus the rows written after the last count's horizon.
 *
 * Both are counted from the pull's own cursor, not the end of its page, so that the count's
 * bounds are known before the page is read and one statement reads both (pull.ts).
 */

/** The rows a statement counted: per bucket (floor(seq / width)), and the highest seq among them. */
export interface BucketCounts {
  buckets: ReadonlyMap<number, number>;
  max: number | null;
}

/**
 * Counts the scope's rows with seq > after, leaving out seqs in [skipFrom, skipTo). `few` says
 * the rows to read are few: at most the rest of the cursor's bucket and what was written since a
 * count moments ago (see RECENT_MS).
 */
export type CountRows = (after: number, skipFrom: number, skipTo: number, few: boolean) => Promise<BucketCounts>;

/** How recent the last count must be for the rows written since to count as few. */
const RECENT_MS = 10_000;

interface Kept {
  /** Bucket boundaries (multiples of width): counts cover seqs in [from, to). */
  from: number;
  to: number;
  /** Per bucket from `from` on. */
  counts: Int32Array;
  keptAt: number;
  /** When the scope was last counted. */
  countedAt: number;
}

/** A client's last answer after a full page: its cursor, the count then, and that count's horizon. */
interface LastAnswer {
  key: string;
  cursor: number;
  remaining: number;
  /** No row of the scope can appear at or below this seq any more: later rows are counted after it. */
  horizon: number;
  answeredAt: number;
}

/** What a count reads (see CountRows), and whether the rows to read are few. */
export interface CountBounds {
  after: number;
  skipFrom: number;
  skipTo: number;
  few: boolean;
}

/** A pull's page, once read: how many rows it holds and its last seq (the client's next cursor). */
export interface PageRead {
  rows: number;
  end: number;
}

/**
 * A count begun for a pull (RemainingCounts.begin): the bounds its statement reads, chosen before
 * the page is read so that one statement can read both; finish() takes what the statement counted
 * and the page, and answers the rows still to send after the page.
 */
export interface PendingCount extends CountBounds {
  finish(counted: BucketCounts, page: PageRead): number;
}

export class RemainingCounts {
  private readonly kept = new Map<string, Kept>();
  private readonly clients = new Map<string, LastAnswer>();

  constructor(
    readonly width = 256,
    private readonly maxAgeMs = 5 * 60_000,
    private readonly maxScopes = 500,
    private readonly maxClients = 1_000,
  ) {}

  /**
   * The count for a pull of the scope (`key`, see countKey) from `from`, its cursor. A client
   * paging on from its last answer (a bootstrap) is answered from it: that count, less the page's
   * rows, plus the rows after its horizon (the page's rows were all counted once, at or below the
   * horizon in the last answer, above it now). Anyone else is counted from the buckets: the rows
   * after `from`, less the page's (read in the same snapshot, they are the first rows after it).
   */
  begin(key: string, from: number, nowMs: number, clientId?: string): PendingCount {
    const last = clientId === undefined ? undefined : this.clients.get(clientId);
    if (last !== undefined && last.key === key && last.cursor === from) {
      const after = last.horizon;
      return {
        after,
        skipFrom: after + 1,
        skipTo: after + 1,
        few: nowMs - last.answeredAt <= RECENT_MS,
        finish: (since, page) => this.answered(key, clientId, nowMs, page, { remaining: Math.max(0, last.remaining + total(since) - page.rows), horizon: Math.max(last.horizon, since.max ?? -1, page.end) }),
      };
    }
    const { width } = this;
    let kept = this.kept.get(key);
    if (kept !== undefined && nowMs - kept.keptAt > this.maxAgeMs) {
      this.kept.delete(key);
      kept = undefined;
    }
    // The first bucket that lies wholly above the cursor.
    const firstWhole = Math.ceil((from + 1) / width) * width;
    const skipFrom = kept === undefined ? from + 1 : Math.max(kept.from, firstWhole);
    const skipping = kept !== undefined && skipFrom < kept.to;
    const skipTo = skipping ? kept!.to : skipFrom;
    return {
      after: from,
      skipFrom,
      skipTo,
      few: kept !== undefined && nowMs - kept.countedAt <= RECENT_MS,
      finish: (counted, page) => {
        let remaining = total(counted);
        if (skipping) for (let start = skipFrom; start < skipTo; start += width) remaining += kept!.counts[(start - kept!.from) / width]!;
        const highest = Math.max(counted.max ?? -1, (kept?.to ?? 0) - 1, page.end);
        this.keepBuckets(key, kept, firstWhole, highest, counted, nowMs);
        return this.answered(key, clientId, nowMs, page, { remaining: Math.max(0, remaining - page.rows), horizon: highest });
      },
    };
  }

  /** Notes the client's answer (its next pull may page on from it). */
  private answered(key: string, clientId: string | undefined, nowMs: number, page: PageRead, answer: { remaining: number; horizon: number }): number {
    if (clientId !== undefined) {
      this.clients.delete(clientId);
      this.clients.set(clientId, { key, cursor: page.end, ...answer, answeredAt: nowMs });
      if (this.clients.size > this.maxClients) this.clients.delete(this.clients.keys().next().value!);
    }
    return answer.remaining;
  }

  /** Keeps what is now known whole: buckets from firstWhole, below the highest seq seen, next to those kept. */
  private keepBuckets(key: string, kept: Kept | undefined, firstWhole: number, highest: number, counted: BucketCounts, nowMs: number): void {
    const { width } = this;
    const closedTo = Math.floor((highest + 1) / width) * width;
    if (kept !== undefined && firstWhole > kept.to) return; // not next to the kept ones
    const from = Math.min(kept?.from ?? firstWhole, firstWhole);
    const to = Math.max(kept?.to ?? closedTo, closedTo);
    if (to <= from) return;
    const counts: number[] = [];
    for (let start = from; start < to; start += width) {
      const inKept = kept !== undefined && start >= kept.from && start < kept.to;
      counts.push(inKept ? kept!.counts[(start - kept!.from) / width]! : (counted.buckets.get(start / width) ?? 0));
    }
    this.kept.delete(key);
    this.kept.set(key, { from, to, counts: Int32Array.from(counts), keptAt: kept?.keptAt ?? nowMs, countedAt: nowMs });
    if (this.kept.size > this.maxScopes) this.kept.delete(this.kept.keys().next().value!);
  }
}

function total(counted: BucketCounts): number {
  let sum = 0;
  for (const n of counted.buckets.values()) sum += n;
  return sum;
}

const scopeHashes = new WeakMap<ReadonlySet<string>, string>();

/** Identifies a scope and the entity tables counted (the scope's hash is kept per scope set, which the actor's scope cache reuses). */
export function countKey(scope: ReadonlySet<string>, tables: readonly string[]): string {
  let hash = scopeHashes.get(scope);
  if (hash === undefined) {
    hash = createHash('sha256').update([...scope].sort().join(',')).digest('base64url');
    scopeHashes.set(scope, hash);
  }
  return `${hash}|${tables.join(',')}`;
}
