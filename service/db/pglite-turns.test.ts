import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './store';
import { openTestPglite } from '../testing/pglite';

describe('PGlite and the event loop', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestPglite();
  });
  afterAll(async () => {
    await store.close();
  });

  it('gives I/O and timers a turn while a queue of statements keeps it busy', async () => {
    // Each statement takes a few milliseconds of WASM on this thread; 200 of them queue at once.
    const total = 200;
    let done = 0;
    let doneWhenTimerFired: number | null = null;
    const timer = new Promise<void>((resolve) =>
      setImmediate(() => {
        doneWhenTimerFired = done;
        resolve();
      }),
    );
    await Promise.all([
      timer,
      ...Array.from({ length: total }, async (_, index) => {
        await (index % 2 === 0
          ? store.query('SELECT count(*) FROM generate_series(1, 20000)')
          : store.write((tx) => tx.query('SELECT count(*) FROM generate_series(1, $1::int)', [20000]), []));
        done += 1;
      }),
    ]);
    expect(done).toBe(total);
    // Without the turns the callback ran only once the whole queue had drained.
    expect(doneWhenTimerFired).not.toBeNull();
    expect(doneWhenTimerFired!).toBeLessThan(total / 2);
  });
});
