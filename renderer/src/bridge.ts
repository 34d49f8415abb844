import { unwrapBridge } from '@shared/ipc/contract';
import { ipcContract, type SeatdeskBridge, type SeatdeskClient } from '@shared/ipc/channels';

declare global {
  interface Window {
    seatdesk?: SeatdeskBridge;
  }
}

/** The typed core client, or null when the page was opened outside a Seatdesk host. */
export function connectToCore(): SeatdeskClient | null {
  return window.seatdesk === undefined ? null : unwrapBridge(ipcContract, window.seatdesk);
}
