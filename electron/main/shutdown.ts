/**
 * Quitting waits for the core to finish (the outbox write in progress, the cache closed) and
 * the embedded service to stop. Electron's before-quit is synchronous, so the first quit is
 * held back, the steps run, and the app quits again once they are done.
 */
export interface QuitEvent {
  preventDefault(): void;
}

export interface ShutdownStep {
  name: string;
  run(): Promise<void>;
}

export interface QuitGuard {
  /** Give this every before-quit event. */
  onBeforeQuit(event: QuitEvent): void;
  /** Resolves once every step has run (or given up). */
  readonly finished: Promise<void>;
  readonly state: 'running' | 'stopping' | 'done';
}

export function createQuitGuard(options: {
  steps: () => ShutdownStep[];
  quit: () => void;
  log: (message: string, error?: unknown) => void;
  /** A step that hangs must not keep the app open forever. */
  stepTimeoutMs?: number;
}): QuitGuard {
  let state: QuitGuard['state'] = 'running';
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const runStep = async (step: ShutdownStep) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.stepTimeoutMs ?? 30_000)));
    try {
      const result = await Promise.race([step.run().then(() => 'done' as const), timeout]);
      if (result === 'timeout') options.log(`Quit: ${step.name} did not finish in time; quitting anyway.`);
    } catch (error) {
      options.log(`Quit: ${step.name} failed`, error);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    get state() {
      return state;
    },
    finished,
    onBeforeQuit(event) {
      if (state === 'done') return;
      event.preventDefault();
      if (state === 'stopping') return;
      state = 'stopping';
      void (async () => {
        // In order: the core first (it may still be pushing to the embedded service).
        for (const step of options.steps()) await runStep(step);
        state = 'done';
        finish();
        options.quit();
      })();
    },
  };
}
