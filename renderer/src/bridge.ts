import { unwrapBridge, type CoreEvent } from '@shared/ipc/contract';
import { ipcContract, type SeatdeskBridge, type SeatdeskClient } from '@shared/ipc/channels';
import type { QueuedResult } from '@shared/ipc/models';
import { useToastStore } from './state/toast-store';

declare global {
  interface Window {
    seatdesk?: SeatdeskBridge;
  }
}

/** The typed core client and its event stream. */
export interface CoreConnection {
  client: SeatdeskClient;
  /** Subscribes to core events; returns the unsubscribe function. */
  onEvent(listener: (event: CoreEvent) => void): () => void;
}

/** The connection to the core, or null when the page was opened outside a Seatdesk host. */
export function connectToCore(): CoreConnection | null {
  const bridge = window.seatdesk;
  if (bridge === undefined) return null;
  return { client: noticingQueuedChanges(unwrapBridge(ipcContract, bridge)), onEvent: (listener) => bridge.onEvent(listener) };
}

function isQueuedResult(value: unknown): value is QueuedResult {
  if (value === null || typeof value !== 'object') return false;
  const { mutationIds, skipped } = value as Partial<QueuedResult>;
  return Array.isArray(mutationIds) && Array.isArray(skipped) && 'batchId' in value;
}

/**
 * Every call that queues changes (commands.run, bulk.*, importExport.confirmUsers) is noted, so
 * the confirmation the same action shows next waits for the service's answer (toast-store.ts).
 */
function noticingQueuedChanges(client: SeatdeskClient): SeatdeskClient {
  type Calls = Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;
  const wrapped: Calls = {};
  for (const [ns, group] of Object.entries(client as unknown as Calls)) {
    const calls: Calls[string] = {};
    for (const [method, call] of Object.entries(group)) {
      calls[method] = async (input?: unknown) => {
        const value = await call(input);
        if (isQueuedResult(value)) useToastStore.getState().noteQueued(value);
        return value;
      };
    }
    wrapped[ns] = calls;
  }
  return wrapped as unknown as SeatdeskClient;
}
