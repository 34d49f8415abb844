import { isTrustedUrl } from './origins';

/** What ipcMain knows about who sent a message, reduced to what the check needs. */
export interface SenderFrame {
  /** The URL of the frame that sent it; null when the frame is gone (navigated, destroyed). */
  url: string | null;
  /** The frame is its page's main frame (not an iframe). */
  isTopFrame: boolean;
  /** The page belongs to one of the app's own windows. */
  inAppWindow: boolean;
}

/**
 * Only the app's own top frame, showing the app's own origin, may call the core
 * (as VS Code's validatedIpcMain). Anything else is refused before the payload is read.
 */
export function isTrustedSender(frame: SenderFrame | null, origins: readonly string[]): boolean {
  if (frame === null || frame.url === null) return false;
  return frame.isTopFrame && frame.inAppWindow && isTrustedUrl(frame.url, origins);
}
