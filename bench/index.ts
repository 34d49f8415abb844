import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { coreBenches } from './core.bench';
import { report, type BenchResult } from './harness';
import { ipcBenches } from './ipc.bench';
import { moneyBenches } from './money.bench';
import { serviceBenches } from './service.bench';

// `npm run bench -- --customers N` scales the data set down for a quick run; `--only core` runs one group.
const GROUPS = ['ipc', 'money', 'service', 'core'] as const;
const argsSchema = z.object({
  customers: z.coerce.number().int().min(1).max(100_000).default(2000),
  'users-per-customer': z.coerce.number().int().min(1).max(1000).default(50),
  only: z.enum(GROUPS).optional(),
  /** The core group's service: on a PGlite folder (default) or a fresh PostgreSQL database. */
  'service-database': z.enum(['pglite', 'postgres']).default('pglite'),
  /** Set for a group run in its own process: its results go to the parent as one line of JSON. */
  child: z.boolean().default(false),
});
const { values } = parseArgs({
  options: { customers: { type: 'string' }, 'users-per-customer': { type: 'string' }, only: { type: 'string' }, 'service-database': { type: 'string' }, child: { type: 'boolean' } },
  strict: true,
});
const args = argsSchema.parse(values);
const size = { customers: args.customers, usersPerCustomer: args['users-per-customer'] };

const groups: Record<(typeof GROUPS)[number], () => Promise<BenchResult[]>> = {
  ipc: () => ipcBenches(),
  money: () => moneyBenches(),
  service: () => serviceBenches(size),
  core: () => coreBenches({ ...size, serviceDatabase: args['service-database'] }),
};

const RESULTS_LINE = 'bench-results ';
const resultsSchema = z.array(z.object({ name: z.string(), target: z.string(), measured: z.string(), met: z.boolean() }));

/**
 * Runs one group in a process of its own, so what one group holds (the service's data set, its
 * database) is not counted in another's memory and heap figures (peak RSS is per process).
 */
async function runIsolated(group: (typeof GROUPS)[number]): Promise<BenchResult[]> {
  const argv = [...process.execArgv, process.argv[1]!, '--customers', String(size.customers), '--users-per-customer', String(size.usersPerCustomer), '--service-database', args['service-database'], '--only', group, '--child'];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let results: BenchResult[] | null = null;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith(RESULTS_LINE)) results = resultsSchema.parse(JSON.parse(line.slice(RESULTS_LINE.length)));
    else console.log(line);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (results === null) throw new Error(`The ${group} benchmarks ended (exit ${String(code)}) without results.`);
  return results;
}

if (args.child) {
  const results = await groups[args.only ?? 'core']();
  console.log(RESULTS_LINE + JSON.stringify(results));
} else {
  const results: BenchResult[] = [];
  for (const group of GROUPS) {
    if (args.only === undefined || args.only === group) results.push(...(await runIsolated(group)));
  }
  process.exitCode = report(results);
}
