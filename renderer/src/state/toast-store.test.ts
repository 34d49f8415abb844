import { afterEach, describe, expect, it } from 'vitest';
import { toast, useToastStore } from './toast-store';

afterEach(() => {
  useToastStore.setState({ toasts: [], offline: false });
});

const last = () => useToastStore.getState().toasts.at(-1);

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
