import { performance } from 'node:perf_hooks';

export interface BenchResult {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface LatencyBench {
  name: string;
  /** Target for the median, in milliseconds. */
  p50TargetMs: number;
  iterations: number;
  warmup?: number;
  run: () => unknown;
}

/** Runs fn repeatedly and reports median and p99 against a median target. */
export async function latency(bench: LatencyBench): Promise<BenchResult> {
  for (let i = 0; i < (bench.warmup ?? 100); i++) await bench.run();
  const samples: number[] = [];
  for (let i = 0; i < bench.iterations; i++) {
    const start = performance.now();
    await bench.run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  const p50 = at(0.5);
  return {
    name: bench.name,
    target: `p50 <= ${bench.p50TargetMs} ms`,
    measured: `p50 ${p50.toFixed(4)} ms, p99 ${at(0.99).toFixed(4)} ms (n=${bench.iterations})`,
    met: p50 <= bench.p50TargetMs,
  };
}

export function report(results: readonly BenchResult[]): number {
  const rows = results.map((r) => [r.met ? 'met' : 'MISSED', r.name, r.target, r.measured]);
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell)).join('  '));
  const missed = results.filter((r) => !r.met).length;
  console.log(`\n${results.length - missed} of ${results.length} targets met`);
  return missed === 0 ? 0 : 1;
}

export interface OnceBench<T> {
  name: string;
  /** Target for the whole run, in milliseconds. */
  targetMs: number;
  run: () => Promise<T> | T;
  /** Extra figures to print beside the time (rows, rows per second). */
  describe?: (result: T, ms: number) => string;
}

/** Times one run of a large job (seeding, a bootstrap) against a target duration. */
export async function once<T>(bench: OnceBench<T>): Promise<BenchResult & { result: T }> {
  const start = performance.now();
  const result = await bench.run();
  const ms = performance.now() - start;
  const extra = bench.describe === undefined ? '' : `, ${bench.describe(result, ms)}`;
  return {
    name: bench.name,
    target: `<= ${(bench.targetMs / 1000).toFixed(1)} s`,
    measured: `${(ms / 1000).toFixed(2)} s${extra}`,
    met: ms <= bench.targetMs,
    result,
  };
}
