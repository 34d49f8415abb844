import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SettledRefusal } from '@shared/ipc/contract';
import type { QueuedResult } from '@shared/ipc/models';
import { CONFIRM_WAIT_MS, resetChangeTracking, toast, useToastStore } from './toast-store';

afterEach(() => {
  resetChangeTracking();
  useToastStore.setState({ toasts: [], offline: false });
  vi.useRealTimers();
});

const last = () => useToastStore.getState().toasts.at(-1);
const texts = () => useToastStore.getState().toasts.map((t) => t.text);

describe('toasts', () => {
  it('marks a confirmation shown while offline as kept until it syncs, and only then', () => {
    toast.success('Ann was saved.');
    expect(last()).toMatchObject({ tone: 'success', text: 'Ann was saved.' });
    expect(last()?.queued).toBeUndefined();

    useToastStore.getState().setOffline(true);
    toast.success('2 users deactivated.', 'One was left alone.');
    expect(last()).toMatchObject({ text: '2 users deactivated.', detail: 'One was left alone.', queued: true });
    // Errors and notices are not confirmations of a change.
    toast.error('Could not export.');
    expect(last()?.queued).toBeUndefined();

    useToastStore.getState().setOffline(false);
    toast.success('Bob was saved.');
    expect(last()?.queued).toBeUndefined();
  });

  it('keeps the four newest', () => {
    for (let i = 1; i <= 6; i += 1) toast.error(`Error ${i}`);
    expect(useToastStore.getState().toasts.map((t) => t.text)).toEqual(['Error 3', 'Error 4', 'Error 5', 'Error 6']);
  });
});

const queued = (...mutationIds: number[]): QueuedResult => ({ batchId: null, mutationIds, entityId: null, skipped: [] });
const refusal = (mutationId: number, message: string, issueId = mutationId + 100): SettledRefusal => ({
  issueId,
  mutationId,
  batchId: null,
  kind: 'rejected',
  code: 'LAST_ADMIN',
  commandName: 'deactivateUser',
  message,
});

describe('a change’s confirmation tells the truth', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  /** What an action does: its call answers (the bridge notes the change), then it confirms. */
  function act(result: QueuedResult, text: string): void {
    useToastStore.getState().noteQueued(result);
    toast.success(text);
  }

  it('online, waits for the service: shown once applied', () => {
    act(queued(7), 'Ann was saved.');
    expect(texts()).toEqual([]);
    useToastStore.getState().settled(7, []);
    expect(last()).toMatchObject({ tone: 'success', text: 'Ann was saved.' });
    expect(last()?.sending).toBeUndefined();
  });

  it('online, refused: no success, the reason instead, with a link to the issue', () => {
    act(queued(3, 4), '1 user deactivated.');
    useToastStore.getState().settled(4, [refusal(3, 'Deactivate user (ruben@wingtip.example) was not applied. Wingtip Toys needs another active Administrator first.', 41)]);
    expect(useToastStore.getState().toasts).toEqual([
      { id: expect.any(Number), tone: 'error', text: 'Deactivate user (ruben@wingtip.example) was not applied. Wingtip Toys needs another active Administrator first.', issueId: 41 },
    ]);
    vi.advanceTimersByTime(CONFIRM_WAIT_MS * 2);
    expect(texts()).not.toContain('1 user deactivated.');
  });

  it('says "sending" when the answer takes long, then drops it if the service refuses', () => {
    act(queued(9), 'Ruben Murphy was saved.');
    vi.advanceTimersByTime(CONFIRM_WAIT_MS - 1);
    expect(texts()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(last()).toMatchObject({ text: 'Ruben Murphy was saved.', sending: true });
    useToastStore.getState().settled(9, [refusal(9, 'Edit user (ruben) was not applied.')]);
    expect(texts()).toEqual(['Edit user (ruben) was not applied.']);
  });

  it('says "sending", then no longer once applied', () => {
    act(queued(10), 'Saved.');
    vi.advanceTimersByTime(CONFIRM_WAIT_MS);
    useToastStore.getState().settled(10, []);
    expect(useToastStore.getState().toasts).toEqual([{ id: expect.any(Number), tone: 'success', text: 'Saved.' }]);
  });

  it('an answer that came before the confirmation counts', () => {
    useToastStore.getState().settled(12, [refusal(11, 'Refused.')]);
    act(queued(12), 'Applied one.');
    expect(texts()).toEqual(['Refused.', 'Applied one.']);
    act(queued(11), 'Refused one.');
    expect(texts()).toEqual(['Refused.', 'Applied one.']);
  });

  it('offline, says at once that the change is saved on this computer', () => {
    useToastStore.getState().setOffline(true);
    act(queued(20), 'Saved offline.');
    expect(last()).toMatchObject({ text: 'Saved offline.', queued: true });
  });

  it('going offline while it waits says so then', () => {
    act(queued(21), 'Saved.');
    useToastStore.getState().setOffline(true);
    expect(last()).toMatchObject({ text: 'Saved.', queued: true });
  });

  it('a refusal on reconnect, for nothing waited on, is a toast of its own; several are summed up', () => {
    useToastStore.getState().settled(30, [refusal(28, 'First.', 5), refusal(29, 'Second.', 6)]);
    expect(last()).toMatchObject({ tone: 'error', text: '2 changes were not applied.', detail: 'The first: First.', issueId: 5 });
  });

  it('a change noted earlier is not claimed by a later, unrelated notice', () => {
    useToastStore.getState().noteQueued(queued(40));
    vi.advanceTimersByTime(1);
    toast.info('Nothing to sync.');
    expect(texts()).toEqual(['Nothing to sync.']);
  });

  it('a change that queued nothing (all skipped) is confirmed at once', () => {
    act(queued(), 'Nobody to deactivate.');
    expect(texts()).toEqual(['Nobody to deactivate.']);
  });
});
