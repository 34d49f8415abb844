import type { CoreEvent } from '@shared/ipc/contract';

export type CoreEventListener = (event: CoreEvent) => void;

/** The core's one event stream: the sync engine and session publish, windows subscribe. */
export interface EventBus {
  emit(event: CoreEvent): void;
  subscribe(listener: CoreEventListener): () => void;
}

export function createEventBus(log: (message: string, error: unknown) => void = console.error): EventBus {
  const listeners = new Set<CoreEventListener>();
  return {
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          log('A core event listener failed', error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
