import { z } from 'zod';

/** The CI-sized count: what `npm test` runs. */
export const CI_RUNS = 20;

const settingsSchema = z.object({
  /** How many runs (chaos seeds; property runs for the fuzzers). */
  SEATDESK_RELIABILITY_RUNS: z.coerce.number().int().min(1).optional(),
  /** One seed to replay (with RUNS: the first of RUNS consecutive seeds). */
  SEATDESK_RELIABILITY_SEED: z.coerce.number().int().min(0).optional(),
});

export interface ReliabilitySettings {
  runs: number;
  /** The seeds to run, in order: 1..runs, or the replayed seed (and the ones after it). */
  seeds: number[];
  /** True when a single seed is being replayed. */
  replaying: boolean;
}

/**
 * The reliability suite's size, from the environment that `npm run test:reliability` (run.ts)
 * sets from its `--runs N` and `--seed N` arguments; unset, the CI size.
 */
export function reliabilitySettings(environment: NodeJS.ProcessEnv = process.env): ReliabilitySettings {
  const parsed = settingsSchema.parse({
    SEATDESK_RELIABILITY_RUNS: environment['SEATDESK_RELIABILITY_RUNS'] || undefined,
    SEATDESK_RELIABILITY_SEED: environment['SEATDESK_RELIABILITY_SEED'] || undefined,
  });
  const first = parsed.SEATDESK_RELIABILITY_SEED;
  const runs = parsed.SEATDESK_RELIABILITY_RUNS ?? (first === undefined ? CI_RUNS : 1);
  return {
    runs,
    seeds: Array.from({ length: runs }, (_, index) => (first ?? 1) + index),
    replaying: first !== undefined,
  };
}

/** The one-line command that replays a seed. */
export function replayCommand(seed: number): string {
  return `npm run test:reliability -- --seed ${seed}`;
}
