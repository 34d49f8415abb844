import { afterAll, beforeAll, describe, it } from 'vitest';
import { chaosServices, type ChaosServiceFactory } from './chaos-service';
import { runChaosSeed, type KillKind, type SeedReport } from './chaos-seed';
import { bundleChaosClient } from './client-harness';
import { FAULT_KINDS, type FaultKind } from './fault-proxy';
import { reliabilitySettings, replayCommand } from './settings';

const settings = reliabilitySettings();

/** The summary line: what was injected and what came out, over every seed that ran. */
function summary(reports: readonly SeedReport[], broken: readonly number[], database: string): string {
  const sum = (pick: (report: SeedReport) => number) => reports.reduce((total, report) => total + pick(report), 0);
  const faults = FAULT_KINDS.map((kind: FaultKind) => `${kind} ${sum((report) => report.faults[kind])}`).join(', ');
  const killKinds: KillKind[] = ['timer', 'idle', 'push-answer', 'refresh-answer'];
  const kills = killKinds.map((kind) => `${kind} ${sum((report) => report.kills[kind])}`).join(', ');
  const refused = new Map<string, number>();
  for (const report of reports) for (const [code, n] of Object.entries(report.refusedLocally)) refused.set(code, (refused.get(code) ?? 0) + n);
  const avg = (phase: keyof SeedReport['phases']) => Math.round(sum((report) => report.phases[phase]) / Math.max(1, reports.length));
  const failed = [...reports.filter((report) => report.failures.length > 0).map((report) => report.seed), ...broken].sort((a, b) => a - b);
  return [
    `chaos (${database}): seeds ${reports.length + broken.length}${failed.length > 0 ? ` (failed: ${failed.join(', ')}${broken.length > 0 ? `; ${broken.length} did not finish and are not counted below` : ''})` : ''}`,
    `faults ${sum((r) => Object.values(r.faults).reduce((a, b) => a + b, 0))} (${faults}; partitions ${sum((r) => r.partitions)})`,
    `kills ${sum((r) => Object.values(r.kills).reduce((a, b) => a + b, 0))} (${kills})`,
    `mutations ${sum((r) => r.mutations)} (applied ${sum((r) => r.applied)}, conflict ${sum((r) => r.conflicts)}, rejected ${sum((r) => r.rejected)}; offline changes ${sum((r) => r.offlineChanges)})`,
    `refused by the core ${[...refused.values()].reduce((a, b) => a + b, 0)}${refused.size > 0 ? ` (${[...refused].map(([code, n]) => `${code} ${n}`).join(', ')})` : ''}`,
    `lost ${sum((r) => r.lost)}`,
    `duplicated ${sum((r) => r.duplicated)}`,
    `forced sign-outs ${sum((r) => r.forcedSignOuts)}`,
    `500s seen ${sum((r) => r.serverErrors)}`,
    `ms per seed: start ${avg('start')}, chaos ${avg('chaos')}, heal ${avg('heal')}, check ${avg('check')}`,
  ].join(' | ');
}

/**
 * The chaos part of the reliability suite (README.md): per seed, a real service, a fault proxy
 * per client and three real cores in child processes, killed and restarted; after healing,
 * nothing lost, nothing twice, nobody signed out, caches equal to the service, invariants kept.
 */
describe('chaos: faults, kills and offline edits, then healing', () => {
  let services: ChaosServiceFactory;
  let script: string;
  const reports: SeedReport[] = [];
  /** Seeds whose run broke before it could report. */
  const broken: number[] = [];

  beforeAll(async () => {
    [services, script] = await Promise.all([chaosServices(), bundleChaosClient()]);
  }, 120_000);

  afterAll(async () => {
    if (reports.length + broken.length > 0) console.log(summary(reports, broken, services.database));
    await services?.close();
  });

  // Two seeds at a time (maxConcurrency in vitest.config.ts): a seed spends most of its time
  // waiting (kill timers, pauses between edits, back-off), so two share two cores well. Each has
  // its own service, proxies and clients; the test context's expect keeps their results apart.
  it.concurrent.for(settings.seeds)('seed %i', { timeout: 300_000 }, async (seed, { expect }) => {
    let report: SeedReport;
    try {
      report = await runChaosSeed(seed, services, script);
    } catch (error) {
      broken.push(seed);
      console.error(`chaos seed ${seed} failed to run. Replay: ${replayCommand(seed)}`);
      throw error;
    }
    reports.push(report);
    if (report.failures.length > 0) console.error(`chaos seed ${seed} failed. Replay: ${replayCommand(seed)}\n  ${report.failures.join('\n  ')}`);
    expect(report.failures, `seed ${seed}; replay: ${replayCommand(seed)}`).toEqual([]);
    expect({ lost: report.lost, duplicated: report.duplicated, forcedSignOuts: report.forcedSignOuts, serverErrors: report.serverErrors }).toEqual({
      lost: 0,
      duplicated: 0,
      forcedSignOuts: 0,
      serverErrors: 0,
    });
  });
});
