/**
 * Which organizations the cache's one writer (EntityRows) has written rows of, in order, so that a
 * read can keep facts per organization and, after a change, recompute only the organizations it
 * touched (the Home screen over thousands of customers). Kept in memory per connection: a write
 * in a transaction later rolled back still counts (the facts are then read again, unchanged), and
 * writes by another connection are the reader's to notice (PRAGMA data_version).
 */
export class OrgWrites {
  private seq = 0;
  /** The write that touched every organization (emptying the cache for a bootstrap). */
  private allAt = 0;
  private readonly lastAt = new Map<string, number>();

  /** The latest write's number: pass it to `since` later. */
  get stamp(): number {
    return this.seq;
  }

  note(orgId: string): void {
    this.lastAt.set(orgId, ++this.seq);
  }

  noteAll(): void {
    this.allAt = ++this.seq;
    this.lastAt.clear();
  }

  /** The organizations written after `stamp`, or 'all' when every one may have been. */
  since(stamp: number): 'all' | Set<string> {
    if (this.allAt > stamp) return 'all';
    const written = new Set<string>();
    if (this.seq === stamp) return written;
    for (const [orgId, at] of this.lastAt) if (at > stamp) written.add(orgId);
    return written;
  }
}
