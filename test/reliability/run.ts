/**
 * `npm run test:reliability -- [--runs N] [--seed N] [more Vitest arguments]`: the reliability
 * project of vitest.config.ts, sized from the arguments. --runs N: N chaos seeds (1..N) and N
 * fuzz runs per route and channel; --seed N: replay chaos seed N (and the fuzzers' seed N);
 * both: N consecutive seeds from that one. Without them, the CI size (settings.ts).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const count = z.coerce.number().int().min(0);
const env: NodeJS.ProcessEnv = { ...process.env };
const passThrough: string[] = [];
const args = process.argv.slice(2);

function value(flag: string, index: number): number {
  const parsed = count.safeParse(args[index + 1]);
  if (!parsed.success || (flag === '--runs' && parsed.data < 1)) {
    console.error(`${flag} takes a whole number${flag === '--runs' ? ' of at least 1' : ''}, e.g. ${flag} 20.`);
    process.exit(2);
  }
  return parsed.data;
}

for (let index = 0; index < args.length; index += 1) {
  const arg = args[index]!;
  if (arg === '--runs') {
    const runs = value(arg, index);
    env['SEATDESK_RELIABILITY_RUNS'] = String(runs);
    env['FUZZ_RUNS'] = String(runs);
    index += 1;
  } else if (arg === '--seed') {
    const seed = value(arg, index);
    env['SEATDESK_RELIABILITY_SEED'] = String(seed);
    env['FUZZ_SEED'] = String(seed);
    index += 1;
  } else {
    passThrough.push(arg);
  }
}

// Vitest's own command (its bin), beside its package.json: the package exports no path to it.
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
// Two test files at a time even on two cores: the chaos seeds mostly wait on timers, so a fuzzer
// runs beside them (on this machine under load: 344 s for the whole project, 434 s one file at a time).
const workers = passThrough.some((arg) => arg.startsWith('--maxWorkers')) ? [] : ['--maxWorkers=2'];
const child = spawn(process.execPath, [vitest, 'run', '--project', 'reliability', ...workers, ...passThrough], { stdio: 'inherit', env });
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
