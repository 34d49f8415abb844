import { create } from 'zustand';

export type ToastTone = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
  detail?: string;
}

interface ToastState {
  toasts: Toast[];
  show(tone: ToastTone, text: string, detail?: string): void;
  dismiss(id: number): void;
}

let nextId = 1;

/** Short confirmations and errors of actions; errors stay until dismissed. */
export const useToastStore = create<ToastState>((set, get) => ({
  toasts: [],
  show(tone, text, detail) {
    const id = nextId++;
    const toast: Toast = detail === undefined ? { id, tone, text } : { id, tone, text, detail };
    set({ toasts: [...get().toasts.slice(-3), toast] });
    if (tone !== 'error') setTimeout(() => get().dismiss(id), 5000);
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((toast) => toast.id !== id) });
  },
}));

export const toast = {
  success: (text: string, detail?: string) => useToastStore.getState().show('success', text, detail),
  info: (text: string, detail?: string) => useToastStore.getState().show('info', text, detail),
  error: (text: string, detail?: string) => useToastStore.getState().show('error', text, detail),
};
