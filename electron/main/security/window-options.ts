import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export const MIN_WINDOW_SIZE = { width: 960, height: 600 } as const;

export type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W;

/**
 * Creates the app's window with the renderer's sandbox spelled out flag by flag (even where
 * Electron's default agrees, so a changed default in an upgrade cannot loosen it). The
 * constructor is passed in so the options are tested under Node, and the literal stays where
 * Electronegativity can read it.
 */
export function createMainWindow<W>(
  BrowserWindow: WindowConstructor<W>,
  options: { preload: string; isPackaged: boolean; bounds: WindowBounds },
): W {
  return new BrowserWindow({
    ...options.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Seatdesk',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click (auxclick) can open links around the navigation handlers.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: true,
      devTools: !options.isPackaged,
    },
  });
}
