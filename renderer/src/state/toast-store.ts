import { create } from 'zustand';

export type ToastTone = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
  detail?: string;
  /** A confirmation shown while offline: the change is kept on this computer until it syncs. */
  queued?: true;
}

interface ToastState {
  toasts: Toast[];
  /** Whether the core is offline now (the shell follows the sync status). */
  offline: boolean;
  show(tone: ToastTone, text: string, detail?: string): void;
  dismiss(id: number): void;
  setOffline(offline: boolean): void;
}

let nextId = 1;

/** Short confirmations and errors of actions; errors stay until dismissed. */
export const useToastStore = create<ToastState>((set, get) => ({
  toasts: [],
  offline: false,
  show(tone, text, detail) {
    const id = nextId++;
    const toast: Toast = { id, tone, text, ...(detail === undefined ? {} : { detail }), ...(tone === 'success' && get().offline ? { queued: true as const } : {}) };
    set({ toasts: [...get().toasts.slice(-3), toast] });
    if (tone !== 'error') setTimeout(() => get().dismiss(id), 5000);
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((toast) => toast.id !== id) });
  },
  setOffline(offline) {
    if (offline !== get().offline) set({ offline });
  },
}));

/** Every success toast confirms a queued change (the core's commands), so offline it says it is kept until it syncs. */
export const toast = {
  success: (text: string, detail?: string) => useToastStore.getState().show('success', text, detail),
  info: (text: string, detail?: string) => useToastStore.getState().show('info', text, detail),
  error: (text: string, detail?: string) => useToastStore.getState().show('error', text, detail),
};
