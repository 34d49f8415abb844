import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startPgliteCluster, startPostgresCluster, type Cluster, type ClusterSize } from './service-cluster';
import type { Latencies } from './service-load';
import { findTenants, runMixed, runNoisyNeighbour, runPokes, type MixedResult, type NoisyResult, type PokeResult } from './service-scenarios';

/**
 * `npm run bench:service`: the billing service at scale (issue 13). On PostgreSQL, two service
 * instances in child processes on a fresh database (created and dropped here): a 50-connection
 * mixed run, a noisy neighbour, and poke latency across instances; then the mixed run on one
 * service over a PGlite data folder. Loopback only, each scenario bounded (--seconds; the mixed
 * runs after --warmup seconds of the same load, reported apart). Prints a
 * table of targets met and missed and writes bench/results/service-latest.json. The admin URL of
 * the PostgreSQL server: BENCH_DATABASE_URL, else TEST_DATABASE_URL; without either, the
 * PostgreSQL scenarios are reported as not measured.
 */
const argsSchema = z.object({
  seconds: z.coerce.number().int().min(3).max(120).default(20),
  warmup: z.coerce.number().int().min(0).max(60).default(3),
  customers: z.coerce.number().int().min(2).max(2000).default(300),
  'users-per-customer': z.coerce.number().int().min(1).max(200).default(50),
  only: z.enum(['postgres', 'pglite']).optional(),
});
const { values } = parseArgs({
  options: { seconds: { type: 'string' }, warmup: { type: 'string' }, customers: { type: 'string' }, 'users-per-customer': { type: 'string' }, only: { type: 'string' } },
  strict: true,
});
const args = argsSchema.parse(values);
const size: ClusterSize = { customers: args.customers, usersPerCustomer: args['users-per-customer'] };
const seconds = args.seconds;
const adminUrl = process.env['BENCH_DATABASE_URL'] || process.env['TEST_DATABASE_URL'] || undefined;

type Status = 'met' | 'MISSED' | 'info' | 'not measured';
interface Row {
  status: Status;
  scenario: string;
  measure: string;
  target: string;
  measured: string;
}
const rows: Row[] = [];
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 1 : 0)} ms` : 'n/a');
const figures = (l: Latencies) => `p50 ${ms(l.p50)}, p95 ${ms(l.p95)}, p99 ${ms(l.p99)}, max ${ms(l.max)}; ${l.count} ok (${l.perSecond.toFixed(0)}/s), ${l.errors} errors${l.timeouts > 0 ? ` (${l.timeouts} timeouts)` : ''}`;

function latencyRow(scenario: string, latencies: Latencies, target?: { p: 'p95' | 'p99'; belowMs: number }): void {
  if (target === undefined) {
    rows.push({ status: 'info', scenario, measure: latencies.label, target: '', measured: figures(latencies) });
    return;
  }
  const value = latencies[target.p];
  rows.push({
    status: latencies.count > 0 && value < target.belowMs ? 'met' : 'MISSED',
    scenario,
    measure: latencies.label,
    target: `${target.p} < ${target.belowMs} ms`,
    measured: figures(latencies),
  });
}

function errorsRow(scenario: string, parts: readonly Latencies[]): void {
  const errors = parts.reduce((sum, part) => sum + part.errors, 0);
  const total = parts.reduce((sum, part) => sum + part.count + part.errors, 0);
  rows.push({ status: errors === 0 ? 'met' : 'MISSED', scenario, measure: 'errors (non-2xx, connection, 10 s timeout)', target: '0', measured: `${errors} of ${total} requests` });
}

/** The warm-up's reads and pushes, shown (not targets). */
function warmupRows(scenario: string, result: MixedResult): void {
  for (const latencies of result.warmup ?? []) latencyRow(scenario, latencies.label.startsWith('push') ? { ...latencies, label: `${latencies.label} in the warm-up` } : latencies);
}

function mixedRows(scenario: string, result: MixedResult, targets: boolean): void {
  if (targets) {
    latencyRow(scenario, result.reads, { p: 'p99', belowMs: 100 });
    latencyRow(scenario, result.byLabel.find((l) => l.label === 'push of 100 mutations')!, { p: 'p99', belowMs: 1000 });
    // Errors count from the start, warm-up included.
    errorsRow(scenario, [...result.byLabel, ...(result.warmup ?? [])]);
    for (const latencies of result.byLabel.filter((l) => l.label !== 'push of 100 mutations')) latencyRow(scenario, latencies);
    latencyRow(scenario, result.health);
    warmupRows(scenario, result);
  } else {
    latencyRow(scenario, result.health, { p: 'p99', belowMs: 1000 });
    latencyRow(scenario, result.reads);
    for (const latencies of result.byLabel) latencyRow(scenario, latencies);
    warmupRows(scenario, result);
  }
}

function noisyRows(scenario: string, result: NoisyResult): void {
  latencyRow(scenario, result.otherTenant.writes, { p: 'p99', belowMs: 100 });
  latencyRow(scenario, result.otherTenant.reads, { p: 'p99', belowMs: 50 });
  latencyRow(scenario, result.sameTree.writes);
  latencyRow(scenario, result.sameTree.reads);
  const pushes = result.noisyPushes.map((value) => `${(value / 1000).toFixed(1)} s`).join(', ');
  rows.push({ status: 'info', scenario, measure: 'the noisy push of 500 createUser', target: '', measured: `${result.noisyPushes.length} completed: ${pushes || 'none'}` });
}

function pokeRows(scenario: string, result: PokeResult): void {
  latencyRow(scenario, result.latencies, { p: 'p95', belowMs: 500 });
  if (result.missed > 0) rows.push({ status: 'MISSED', scenario, measure: 'pokes that never came (5 s)', target: '0', measured: String(result.missed) });
}

const results: Record<string, unknown> = {
  measuredAt: new Date().toISOString(),
  machine: { cpus: cpus().length, loadAverageAtStart: loadavg().map((value) => Number(value.toFixed(2))) },
  settings: { secondsPerScenario: seconds, mixedWarmupSeconds: args.warmup, dataset: size },
};

async function withCluster<T>(start: () => Promise<Cluster>, run: (cluster: Cluster) => Promise<T>): Promise<T> {
  const cluster = await start();
  try {
    return await run(cluster);
  } finally {
    await cluster.stop();
  }
}

const started = performance.now();
if (args.only !== 'pglite') {
  const scenario = 'PostgreSQL, 2 instances';
  if (adminUrl === undefined) {
    rows.push({ status: 'not measured', scenario, measure: 'every PostgreSQL scenario', target: '', measured: 'no BENCH_DATABASE_URL or TEST_DATABASE_URL' });
  } else {
    results['postgres'] = await withCluster(
      () => startPostgresCluster(adminUrl, 2, size),
      async (cluster) => {
        console.error(`PostgreSQL: seeded in ${cluster.seedSeconds.toFixed(1)} s; instances ${cluster.urls.join(', ')}`);
        const tenants = await findTenants(cluster);
        const mixed = await runMixed(cluster, tenants, seconds, args.warmup);
        mixedRows(`${scenario}: mixed, 50 connections`, mixed, true);
        const noisy = await runNoisyNeighbour(cluster, tenants, seconds);
        noisyRows(`${scenario}: noisy neighbour`, noisy);
        const pokes = await runPokes(cluster, tenants, 40);
        pokeRows(`${scenario}: pokes`, pokes);
        return { seedSeconds: cluster.seedSeconds, mixed, noisy, pokes };
      },
    );
  }
}
if (args.only !== 'postgres') {
  results['pglite'] = await withCluster(
    () => startPgliteCluster(size),
    async (cluster) => {
      console.error(`PGlite: seeded in ${cluster.seedSeconds.toFixed(1)} s; instance ${cluster.urls[0]}`);
      const tenants = await findTenants(cluster);
      const mixed = await runMixed(cluster, tenants, seconds, args.warmup);
      mixedRows('file PGlite, 1 instance: mixed, 50 connections', mixed, false);
      return { seedSeconds: cluster.seedSeconds, mixed };
    },
  );
}
results['machine'] = { ...(results['machine'] as object), loadAverageAtEnd: loadavg().map((value) => Number(value.toFixed(2))) };
results['totalSeconds'] = Number(((performance.now() - started) / 1000).toFixed(1));
results['table'] = rows;

const ROOT = resolve(import.meta.dirname, '..');
writeFileSync(join(ROOT, 'bench/results/service-latest.json'), `${JSON.stringify(results, null, 2)}\n`);

const columns = ['status', 'scenario', 'measure', 'target', 'measured'] as const;
const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => row[column].length)));
const line = (cells: readonly string[]) => cells.map((cell, index) => (index < cells.length - 1 ? cell.padEnd(widths[index]!) : cell)).join('  ');
console.log(line(columns));
for (const row of rows) console.log(line(columns.map((column) => row[column])));
const targets = rows.filter((row) => row.status === 'met' || row.status === 'MISSED');
const missed = targets.filter((row) => row.status === 'MISSED').length;
console.log(`\n${targets.length - missed} of ${targets.length} targets met in ${results['totalSeconds']} s (load average at start ${(results['machine'] as { loadAverageAtStart: number[] }).loadAverageAtStart.join(' ')}, ${cpus().length} CPUs); bench/results/service-latest.json`);
process.exitCode = missed === 0 ? 0 : 1;
