import type { ServiceDeps } from '../deps';
import { runLifecycle, type LifecycleRunResult } from './run';

/** How often each instance looks for lifecycle work (SEATDESK_LIFECYCLE_INTERVAL_MS). */
export const DEFAULT_LIFECYCLE_INTERVAL_MS = 5 * 60_000;

export interface LifecycleLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

type LifecycleDeps = Pick<ServiceDeps, 'store' | 'now' | 'notifier'>;

/**
 * One lifecycle run as of `asOf` (default: the service clock), with a poke to the clients of the
 * organizations each batch changed as soon as it has committed. Read deps at call time: the
 * notifier is replaced once the PostgreSQL listener is up.
 */
export async function runLifecycleAndPoke(deps: LifecycleDeps, options: { asOf?: Date; waitForLock?: boolean } = {}): Promise<LifecycleRunResult> {
  const now = deps.now();
  return runLifecycle(deps.store, {
    asOf: options.asOf ?? now,
    now,
    ...(options.waitForLock === undefined ? {} : { waitForLock: options.waitForLock }),
    afterBatch: (batch) => {
      if (batch.changedOrgs.size > 0) deps.notifier.changed(batch.changedOrgs);
    },
  });
}

export interface LifecycleScheduler {
  /** Runs once now, then every interval (a run never overlaps this instance's previous one). */
  start(): void;
  /** No new run; resolves once a run in progress has committed or failed. */
  stop(): Promise<void>;
}

/**
 * The background lifecycle scheduler of one instance. Every instance runs one; the lock in
 * runLifecycle lets one of them work at a time, and the others' ticks end at once. The interval is
 * jittered by up to a tenth so instances started together do not all tick together.
 */
export function createLifecycleScheduler(options: { deps: LifecycleDeps; intervalMs: number; log: LifecycleLog; random?: () => number }): LifecycleScheduler {
  const { deps, intervalMs, log } = options;
  const random = options.random ?? Math.random;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  const tick = async (): Promise<void> => {
    try {
      const result = await runLifecycleAndPoke(deps);
      const { trialsEnded, cancellationsApplied, invoicesIssued, invoicesOverdue, remindersQueued } = result;
      if (trialsEnded + cancellationsApplied + invoicesIssued + invoicesOverdue + remindersQueued > 0) {
        log.info({ asOf: result.asOf, trialsEnded, cancellationsApplied, invoicesIssued, invoicesOverdue, remindersQueued }, 'lifecycle: changes made');
      }
    } catch (error) {
      // Transient (the database restarting, a timeout): the next tick tries again. The batches
      // committed stay (each whole); it finds their work done and does the rest.
      log.warn({ err: error }, 'lifecycle: the run failed; the next one will try again');
    }
  };

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = tick().finally(() => {
        running = null;
        schedule(intervalMs * (0.9 + random() * 0.2));
      });
    }, delayMs);
    // The scheduler alone never keeps the process alive.
    timer.unref();
  };

  return {
    start() {
      if (stopped || timer !== null || running !== null) return;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
