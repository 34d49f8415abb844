/**
 * Pokes for /v1/sync/events: after a change commits, every connected client whose scope
 * includes the changed organization is told to pull. A poke carries no data.
 */
export interface SyncNotifier {
  subscribe(scope: ReadonlySet<string>, poke: () => void): () => void;
  changed(orgIds: Iterable<string>): void;
  /** Number of open subscriptions (for tests and health). */
  size(): number;
}

export function createSyncNotifier(): SyncNotifier {
  const subscribers = new Set<{ scope: ReadonlySet<string>; poke: () => void }>();
  return {
    subscribe(scope, poke) {
      const entry = { scope, poke };
      subscribers.add(entry);
      return () => subscribers.delete(entry);
    },
    changed(orgIds) {
      const changed = [...orgIds];
      for (const entry of subscribers) if (changed.some((id) => entry.scope.has(id))) entry.poke();
    },
    size: () => subscribers.size,
  };
}
