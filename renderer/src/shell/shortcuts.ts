/** Keyboard shortcuts of the whole window, decided from a key event (pure, for tests). */
export type ShortcutAction = 'focus-search' | 'sync-now';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/**
 * Ctrl+K or Cmd+K (anywhere) and "/" (when not typing) focus the screen's search field;
 * Ctrl+Shift+S or Cmd+Shift+S syncs now.
 */
export function shortcutFor(event: KeyLike, typing: boolean): ShortcutAction | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (event.altKey) return null;
  if (mod && !event.shiftKey && key === 'k') return 'focus-search';
  if (mod && event.shiftKey && key === 's') return 'sync-now';
  if (!mod && !event.shiftKey && event.key === '/' && !typing) return 'focus-search';
  return null;
}

/** Whether keys typed now go into a text field (so "/" is a character, not a shortcut). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(target.type);
  }
  return false;
}

/** How the platform writes the modifier: "⌘" on macOS, "Ctrl+" elsewhere. */
export function modifierLabel(platform: string): string {
  return /mac|iphone|ipad/i.test(platform) ? '⌘' : 'Ctrl+';
}
