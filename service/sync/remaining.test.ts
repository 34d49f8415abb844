import { describe, expect, it } from 'vitest';
import { RemainingCounts, type CountRows } from './remaining';

/** begin() and finish() around one count: the rows after `cursor` (a page of no rows ending there), or after a page from `page.from`. */
async function after(counts: RemainingCounts, key: string, cursor: number, nowMs: number, count: CountRows, page?: { clientId: string; from: number; rows: number }): Promise<number> {
  const pending = counts.begin(key, page?.from ?? cursor, nowMs, page?.clientId);
  const counted = await count(pending.after, pending.skipFrom, pending.skipTo, pending.few);
  return pending.finish(counted, { rows: page?.rows ?? 0, end: cursor });
}

/**
 * A scope's history as the database keeps it: each row (and each tombstone) holds the seq of its
 * latest write, from one growing sequence. count() is what the count statement answers, and notes
 * how many rows it read.
 */
class History {
  private next = 1;
  readonly rows = new Map<number, number>();
  private ids = 0;
  read = 0;

  add(): number {
    const id = (this.ids += 1);
    this.rows.set(id, this.next++);
    return id;
  }
  /** An update: the row takes a new seq. */
  touch(id: number): void {
    this.rows.set(id, this.next++);
  }
  /** A removal: the row goes, a tombstone takes a new seq. */
  remove(id: number): void {
    this.rows.delete(id);
    this.add();
  }
  get maxSeq(): number {
    return this.next - 1;
  }
  /** A pull page: the seqs after the cursor, in order, up to the limit. */
  page(cursor: number, limit: number): number[] {
    return [...this.rows.values()]
      .filter((seq) => seq > cursor)
      .sort((x, y) => x - y)
      .slice(0, limit);
  }
  truthAfter(cursor: number): number {
    return [...this.rows.values()].filter((seq) => seq > cursor).length;
  }
  count(width: number): CountRows {
    return async (after, skipFrom, skipTo) => {
      const buckets = new Map<number, number>();
      let max: number | null = null;
      for (const seq of this.rows.values()) {
        if (seq <= after || (seq >= skipFrom && seq < skipTo)) continue;
        this.read += 1;
        buckets.set(Math.floor(seq / width), (buckets.get(Math.floor(seq / width)) ?? 0) + 1);
        max = Math.max(max ?? seq, seq);
      }
      return { buckets, max };
    };
  }
}

/** A small deterministic generator, so a failure repeats. */
function numbers(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('RemainingCounts', () => {
  it('answers exactly while nothing changes, reading only the cursor’s bucket once the buckets are kept', async () => {
    const history = new History();
    for (let i = 0; i < 5_000; i += 1) history.add();
    const counts = new RemainingCounts(64);
    const random = numbers(7);
    expect(await after(counts, 'scope', 100, 0, history.count(64))).toBe(history.truthAfter(100));
    for (let i = 0; i < 200; i += 1) {
      const cursor = Math.floor(random() * history.maxSeq);
      history.read = 0;
      expect(await after(counts, 'scope', cursor, 1, history.count(64)), `cursor ${cursor}`).toBe(history.truthAfter(cursor));
      // Above 128 every whole bucket is kept (to 4992, below the last seq, 5000): what is read is
      // the rest of the cursor's bucket and the 9 rows past the last whole one.
      if (cursor > 128) expect(history.read).toBeLessThanOrEqual(63 + 9);
    }
  });

  it('keeps the buckets below a cursor it had not counted from, and the new rows after the kept ones', async () => {
    const history = new History();
    for (let i = 0; i < 1_000; i += 1) history.add();
    const counts = new RemainingCounts(100);
    /** The answer at a cursor, and how many rows counting it read. */
    const ask = async (scope: string, cursor: number) => {
      history.read = 0;
      const answer = await after(counts, scope, cursor, 0, history.count(100));
      return { answer, read: history.read };
    };
    expect(await ask('scope', 600)).toEqual({ answer: 400, read: 400 });
    // Kept: 700..999 (1000, the last seq, opens a bucket not whole yet). Lower: reads 251..699 (a
    // part-bucket and four whole ones) and 1000, then keeps 300..999.
    expect(await ask('scope', 250)).toEqual({ answer: 750, read: 449 + 1 });
    expect(await ask('scope', 310)).toEqual({ answer: 690, read: 89 + 1 });
    // New rows: read once past the kept ones (1000 is the last seq; 1000..1099 is not whole yet).
    for (let i = 0; i < 150; i += 1) history.add();
    expect(await ask('scope', 310)).toEqual({ answer: 840, read: 89 + 151 });
    expect(await ask('scope', 310)).toEqual({ answer: 840, read: 89 + 51 });
    // Scopes are kept apart.
    expect(await ask('another scope', 310)).toEqual({ answer: 840, read: 840 });
  });

  it('is never short while rows are added, changed and removed, and exact again once its counts age out', async () => {
    const history = new History();
    const live: number[] = [];
    for (let i = 0; i < 2_000; i += 1) live.push(history.add());
    const counts = new RemainingCounts(32, 60_000);
    const random = numbers(11);
    let long = 0;
    for (let step = 0; step < 400; step += 1) {
      const change = random();
      if (change < 0.3) live.push(history.add());
      else if (change < 0.5) history.touch(live[Math.floor(random() * live.length)]!);
      else if (change < 0.6 && live.length > 1) history.remove(live.splice(Math.floor(random() * live.length), 1)[0]!);
      const cursor = Math.floor(random() * history.maxSeq);
      const answer = await after(counts, 'scope', cursor, step * 100, history.count(32));
      const truth = history.truthAfter(cursor);
      expect(answer, `step ${step}, cursor ${cursor}`).toBeGreaterThanOrEqual(truth);
      if (answer > truth) long += 1;
    }
    // Changes did make kept counts long (the test would prove nothing otherwise)...
    expect(long).toBeGreaterThan(0);
    // ...until they were dropped for their age: counted afresh, exact.
    const cursor = 50;
    expect(await after(counts, 'scope', cursor, 400 * 100 + 60_001, history.count(32))).toBe(history.truthAfter(cursor));
  });

  it('answers a client paging on from its last answer, reading only the rows written since, never short', async () => {
    const history = new History();
    const live: number[] = [];
    for (let i = 0; i < 3_000; i += 1) live.push(history.add());
    const counts = new RemainingCounts(64);
    const random = numbers(5);
    let cursor = 0;
    for (let step = 0; ; step += 1) {
      const page = history.page(cursor, 100);
      if (page.length < 100) break;
      const end = page.at(-1)!;
      history.read = 0;
      const answer = await after(counts, 'scope', end, 0, history.count(64), { clientId: 'bootstrap', from: cursor, rows: page.length });
      const truth = history.truthAfter(end);
      if (step < 10) {
        // Quiet: exact, and after the first page nothing is read but what came since (nothing).
        expect(answer, `page ${step}`).toBe(truth);
        if (step > 0) expect(history.read, `page ${step}`).toBe(0);
      } else {
        expect(answer, `page ${step}`).toBeGreaterThanOrEqual(truth);
      }
      // From page 10 on, rows are added, changed and removed between pages.
      if (step >= 10) {
        live.push(history.add());
        history.touch(live[Math.floor(random() * live.length)]!);
        history.remove(live.splice(Math.floor(random() * live.length), 1)[0]!);
      }
      cursor = end;
    }
  });
});
