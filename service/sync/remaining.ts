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
 * scope, at most `maxScopes` scopes (a 10-million-change history: 10,000 numbers a scope).
 *
 * A client paging on from its last answer (a bootstrap) needs not even its bucket: its count is
 * the last one less the page's rows, plus the rows written after the last count's horizon.
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
  counts: number[];
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

/** The page a count follows: the client that asked, the cursor it asked from, the rows it got. */
export interface PageAsked {
  clientId: string;
  from: number;
  rows: number;
}

export class RemainingCounts {
  private readonly kept = new Map<string, Kept>();
  private readonly clients = new Map<string, LastAnswer>();

  constructor(
    readonly width = 1024,
    private readonly maxAgeMs = 5 * 60_000,
    private readonly maxScopes = 500,
    private readonly maxClients = 1_000,
  ) {}

  /**
   * The rows of the scope (`key`, see countKey) with seq > cursor, the end of a full page. A
   * client paging on from its last answer (a bootstrap) is answered from it: that count, less the
   * page's rows, plus the rows after its horizon (the page's rows were all counted once, at or
   * below the horizon in the last answer, above it now). Anyone else is counted from the buckets.
   */
  async after(key: string, cursor: number, nowMs: number, count: CountRows, page?: PageAsked): Promise<number> {
    const last = page === undefined ? undefined : this.clients.get(page.clientId);
    let answer: { remaining: number; horizon: number };
    if (last !== undefined && page !== undefined && last.key === key && last.cursor === page.from) {
      const since = await count(last.horizon, last.horizon + 1, last.horizon + 1, nowMs - last.answeredAt <= RECENT_MS);
      answer = { remaining: Math.max(0, last.remaining + total(since) - page.rows), horizon: Math.max(last.horizon, since.max ?? -1, cursor) };
    } else {
      answer = await this.fromBuckets(key, cursor, nowMs, count);
    }
    if (page !== undefined) {
      this.clients.delete(page.clientId);
      this.clients.set(page.clientId, { key, cursor, ...answer, answeredAt: nowMs });
      if (this.clients.size > this.maxClients) this.clients.delete(this.clients.keys().next().value!);
    }
    return answer.remaining;
  }

  private async fromBuckets(key: string, cursor: number, nowMs: number, count: CountRows): Promise<{ remaining: number; horizon: number }> {
    const { width } = this;
    let kept = this.kept.get(key);
    if (kept !== undefined && nowMs - kept.keptAt > this.maxAgeMs) {
      this.kept.delete(key);
      kept = undefined;
    }
    // The first bucket that lies wholly above the cursor.
    const firstWhole = Math.ceil((cursor + 1) / width) * width;
    const skipFrom = kept === undefined ? cursor + 1 : Math.max(kept.from, firstWhole);
    const skipping = kept !== undefined && skipFrom < kept.to;
    const skipTo = skipping ? kept!.to : skipFrom;
    const counted = await count(cursor, skipFrom, skipTo, skipping && nowMs - kept!.countedAt <= RECENT_MS);
    let remaining = total(counted);
    if (skipping) for (let start = skipFrom; start < skipTo; start += width) remaining += kept!.counts[(start - kept!.from) / width]!;

    // Keep what is now known whole: buckets above the cursor, below the highest seq seen.
    const highest = Math.max(counted.max ?? -1, (kept?.to ?? 0) - 1, cursor);
    const answer = { remaining, horizon: highest };
    const closedTo = Math.floor((highest + 1) / width) * width;
    if (kept !== undefined && firstWhole > kept.to) return answer; // not next to the kept ones
    const from = Math.min(kept?.from ?? firstWhole, firstWhole);
    const to = Math.max(kept?.to ?? closedTo, closedTo);
    if (to <= from) return answer;
    const counts: number[] = [];
    for (let start = from; start < to; start += width) {
      const inKept = kept !== undefined && start >= kept.from && start < kept.to;
      counts.push(inKept ? kept!.counts[(start - kept!.from) / width]! : (counted.buckets.get(start / width) ?? 0));
    }
    this.kept.delete(key);
    this.kept.set(key, { from, to, counts, keptAt: kept?.keptAt ?? nowMs, countedAt: nowMs });
    if (this.kept.size > this.maxScopes) this.kept.delete(this.kept.keys().next().value!);
    return answer;
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
