import { parseArgs } from 'node:util';
import { z } from 'zod';
import { coreBenches } from './core.bench';
import { report } from './harness';
import { ipcBenches } from './ipc.bench';
import { moneyBenches } from './money.bench';
import { serviceBenches } from './service.bench';

// `npm run bench -- --customers N` scales the data set down for a quick run; `--only core` runs one group.
const argsSchema = z.object({
  customers: z.coerce.number().int().min(1).max(100_000).default(2000),
  'users-per-customer': z.coerce.number().int().min(1).max(1000).default(50),
  only: z.enum(['ipc', 'money', 'service', 'core']).optional(),
});
const { values } = parseArgs({ options: { customers: { type: 'string' }, 'users-per-customer': { type: 'string' }, only: { type: 'string' } }, strict: true });
const args = argsSchema.parse(values);
const size = { customers: args.customers, usersPerCustomer: args['users-per-customer'] };

const groups = {
  ipc: () => ipcBenches(),
  money: () => moneyBenches(),
  service: () => serviceBenches(size),
  core: () => coreBenches(size),
};
const results = [];
for (const [name, run] of Object.entries(groups)) {
  if (args.only === undefined || args.only === name) results.push(...(await run()));
}
process.exitCode = report(results);
