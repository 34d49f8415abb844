import { create } from 'zustand';
import type { SettledRefusal } from '@shared/ipc/contract';
import type { QueuedResult } from '@shared/ipc/models';

export type ToastTone = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
  detail?: string;
  /** A confirmation shown while offline: the change is kept on this computer until it syncs. */
  queued?: true;
  /** A confirmation shown before the service answered (it took longer than CONFIRM_WAIT_MS): "Saved; sending…". */
  sending?: true;
  /** The sync issue a refusal became: the toast links to it. */
  issueId?: number;
}

/** How long a change's confirmation waits, online, for the service's answer before it says "sending". */
export const CONFIRM_WAIT_MS = 1_500;

/** A confirmation that waits for the service's answer to its change. */
interface Awaiting {
  /** The toast (hidden until the answer, or until CONFIRM_WAIT_MS has passed). */
  toast: Toast;
  mutationIds: readonly number[];
  shown: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

interface ToastState {
  toasts: Toast[];
  /** Whether the core is offline now (the shell follows the sync status). */
  offline: boolean;
  show(tone: ToastTone, text: string, detail?: string): void;
  dismiss(id: number): void;
  setOffline(offline: boolean): void;
  /** A change was just queued (any call answering a QueuedResult): the next confirmation waits for it. */
  noteQueued(result: QueuedResult): void;
  /** The service has answered every change up to `through` (the core's sync.settled event). */
  settled(through: number, refused: readonly SettledRefusal[]): void;
}

let nextId = 1;

/** The change the next confirmation is about; only within the task that queued it (see noteQueued). */
let justQueued: readonly number[] | null = null;
const awaiting = new Map<number, Awaiting>();
let settledThrough = 0;
/** Refusals already told, by mutation id (a confirmation that comes after its refusal must not say it worked). */
const refusedIds = new Set<number>();

function refusalToast(refused: readonly SettledRefusal[]): Omit<Toast, 'id'> {
  const [first] = refused;
  if (refused.length === 1) return { tone: 'error', text: first!.message, issueId: first!.issueId };
  return {
    tone: 'error',
    text: `${refused.length} changes were not applied.`,
    detail: `The first: ${first!.message}`,
    issueId: first!.issueId,
  };
}

/**
 * Short confirmations and errors of actions; errors stay until dismissed. A confirmation of a
 * change tells the truth about it: online it waits briefly for the service's answer (shown as
 * it worked, or replaced by the refusal with its reason), then says it is still being sent;
 * offline it says the change is saved on this computer. A refusal, whenever it comes (on
 * reconnect too), is a toast of its own with a link to the sync issue.
 */
export const useToastStore = create<ToastState>((set, get) => {
  const append = (toast: Toast) => set({ toasts: [...get().toasts.slice(-3), toast] });
  const autoDismiss = (toast: Toast) => {
    if (toast.tone !== 'error') setTimeout(() => get().dismiss(toast.id), 5000);
  };
  const reveal = (entry: Awaiting, patch: Partial<Toast>) => {
    if (entry.timer !== null) clearTimeout(entry.timer);
    entry.timer = null;
    if (entry.shown) {
      // Already showing "sending": it now says what became of it.
      const { sending: _sending, ...rest } = entry.toast;
      set({ toasts: get().toasts.map((toast) => (toast.id === entry.toast.id ? { ...rest, ...patch } : toast)) });
      return;
    }
    entry.shown = true;
    entry.toast = { ...entry.toast, ...patch };
    append(entry.toast);
    autoDismiss(entry.toast);
  };
  /** Its change was answered: shown as it worked, or dropped for the refusal's own toast. */
  const answer = (entry: Awaiting) => {
    awaiting.delete(entry.toast.id);
    if (entry.mutationIds.some((id) => refusedIds.has(id))) {
      if (entry.timer !== null) clearTimeout(entry.timer);
      if (entry.shown) get().dismiss(entry.toast.id);
      return;
    }
    reveal(entry, {});
  };

  return {
    toasts: [],
    offline: false,
    show(tone, text, detail) {
      const id = nextId++;
      const toast: Toast = { id, tone, text, ...(detail === undefined ? {} : { detail }) };
      const change = tone === 'error' ? null : justQueued;
      justQueued = null;
      if (get().offline) {
        append(tone === 'success' ? { ...toast, queued: true } : toast);
        autoDismiss(toast);
        return;
      }
      if (change === null || change.length === 0) {
        append(toast);
        autoDismiss(toast);
        return;
      }
      const entry: Awaiting = { toast, mutationIds: change, shown: false, timer: null };
      awaiting.set(id, entry);
      if (Math.max(...change) <= settledThrough) {
        answer(entry);
        return;
      }
      entry.timer = setTimeout(() => {
        entry.timer = null;
        if (awaiting.has(id)) reveal(entry, { sending: true });
      }, CONFIRM_WAIT_MS);
    },
    dismiss(id) {
      set({ toasts: get().toasts.filter((toast) => toast.id !== id) });
    },
    setOffline(offline) {
      if (offline === get().offline) return;
      set({ offline });
      // Gone offline while a confirmation waited: the change is kept here, and it says so now.
      if (offline) for (const entry of awaiting.values()) if (!entry.shown) reveal(entry, { queued: true });
    },
    noteQueued(result) {
      const ids = result.mutationIds;
      justQueued = ids;
      // Only the confirmation the same action shows right after (in the same task) is about it.
      setTimeout(() => {
        if (justQueued === ids) justQueued = null;
      }, 0);
    },
    settled(through, refused) {
      settledThrough = Math.max(settledThrough, through);
      for (const refusal of refused) refusedIds.add(refusal.mutationId);
      // Only recent ones matter (a confirmation waits seconds): the oldest go first.
      for (const id of refusedIds) {
        if (refusedIds.size <= 1_000) break;
        refusedIds.delete(id);
      }
      for (const entry of [...awaiting.values()]) if (Math.max(...entry.mutationIds) <= settledThrough) answer(entry);
      if (refused.length > 0) append({ id: nextId++, ...refusalToast(refused) });
    },
  };
});

/** Every success toast confirms a queued change (the core's commands): see useToastStore. */
export const toast = {
  success: (text: string, detail?: string) => useToastStore.getState().show('success', text, detail),
  info: (text: string, detail?: string) => useToastStore.getState().show('info', text, detail),
  error: (text: string, detail?: string) => useToastStore.getState().show('error', text, detail),
};

/**
 * Forgets every change waited for and every answer seen: another account's mutation ids start
 * again at 1 (the shell calls it when the signed-in account changes; tests between cases).
 */
export function resetChangeTracking(): void {
  for (const entry of awaiting.values()) if (entry.timer !== null) clearTimeout(entry.timer);
  awaiting.clear();
  refusedIds.clear();
  settledThrough = 0;
  justQueued = null;
}
