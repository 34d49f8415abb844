import { z } from 'zod';
import { MIN_WINDOW_SIZE, type WindowBounds } from './security/window-options';

/** Where and how big the window was when it closed, as saved in window-state.json. */
const savedStateSchema = z.object({
  x: z.number().int().finite(),
  y: z.number().int().finite(),
  width: z.number().int().min(1).max(100_000),
  height: z.number().int().min(1).max(100_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof savedStateSchema>;

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;

/** How much of the title bar area must be on a screen for a saved position to be reused. */
const MIN_VISIBLE = 64;

/**
 * The bounds to open the window with. A saved position is reused only when the window would
 * still be reachable on one of today's screens (a monitor may have been unplugged since);
 * otherwise the saved size is kept, clamped to the primary screen, and the window centred.
 */
export function restoreWindowState(saved: unknown, workAreas: readonly Rectangle[]): { bounds: WindowBounds; maximized: boolean } {
  const parsed = savedStateSchema.safeParse(saved);
  const primary = workAreas[0];
  if (!parsed.success) return { bounds: clampSize(DEFAULT_SIZE, primary), maximized: false };
  const state = parsed.data;
  const size = clampSize(state, primary);
  const visible = workAreas.some((area) => titleBarVisible({ ...state, ...size }, area));
  return { bounds: visible ? { x: state.x, y: state.y, ...size } : size, maximized: state.maximized };
}

function clampSize(size: { width: number; height: number }, area: Rectangle | undefined): { width: number; height: number } {
  const maxWidth = area === undefined ? size.width : Math.max(MIN_WINDOW_SIZE.width, area.width);
  const maxHeight = area === undefined ? size.height : Math.max(MIN_WINDOW_SIZE.height, area.height);
  return {
    width: Math.min(Math.max(size.width, MIN_WINDOW_SIZE.width), maxWidth),
    height: Math.min(Math.max(size.height, MIN_WINDOW_SIZE.height), maxHeight),
  };
}

function titleBarVisible(window: Rectangle, area: Rectangle): boolean {
  const left = Math.max(window.x, area.x);
  const right = Math.min(window.x + window.width, area.x + area.width);
  const top = window.y;
  return right - left >= MIN_VISIBLE && top >= area.y && top + 32 <= area.y + area.height;
}

/** What to save from a closing window: its normal (unmaximised) bounds and whether it was maximised. */
export function windowStateToSave(normalBounds: Rectangle, maximized: boolean): WindowState {
  return {
    x: Math.round(normalBounds.x),
    y: Math.round(normalBounds.y),
    width: Math.round(normalBounds.width),
    height: Math.round(normalBounds.height),
    maximized,
  };
}
