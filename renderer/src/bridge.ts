import { unwrapBridge, type CoreEvent } from '@shared/ipc/contract';
import { ipcContract, type SeatdeskBridge, type SeatdeskClient } from '@shared/ipc/channels';

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
  return { client: unwrapBridge(ipcContract, bridge), onEvent: (listener) => bridge.onEvent(listener) };
}
